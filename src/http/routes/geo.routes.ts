/** Public geography for the portal's map: the shipped kelurahan polygons, served from the regions table. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../../app/context.ts";
import { kelurahanLayerLoader } from "../../app/geo.ts";

export function geoRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const load = kelurahanLayerLoader(ctx);
  return async (app) => {
    app.get("/api/v1/public/kelurahan.geojson", {
      schema: { tags: ["public"], summary: "Kelurahan boundaries (GeoJSON FeatureCollection: code, name) for the portal's base map" },
    }, async (request, reply) => {
      const { json, etag } = await load();
      reply.header("etag", etag).header("cache-control", "public, max-age=3600");
      if (request.headers["if-none-match"] === etag) return reply.status(304).send();
      return reply.type("application/geo+json; charset=utf-8").send(json);
    });
  };
}
