import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { listPublic, mapPublic, type PublicListInput } from "../../app/public-reports.ts";
import { DomainError } from "../../domain/errors.ts";
import { REPORT_KINDS } from "../../domain/report.ts";
import { languageOf } from "../auth.ts";

/** An empty parameter (`?colour=`, as a form sends it) means no filter. */
const maybe = <T extends z.ZodType>(schema: T) => z.union([z.literal(""), schema]).optional();
const none = <T>(v: T | "" | undefined): T | undefined => (v === "" ? undefined : v);

const filterFields = {
  colour: maybe(z.enum(["red", "yellow", "green", "grey"])),
  category: maybe(z.string().max(64).regex(/^[a-z0-9_]+$/, "a category code")),
  kelurahan: maybe(z.string().regex(/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/, "a Kemendagri code or prefix such as 31.71 or 31.71.01.1001")),
  bbox: maybe(z.string().max(200).describe("minLon,minLat,maxLon,maxLat (WGS 84)")),
  lang: z.enum(["id", "en"]).optional(),
};

const listQuery = z
  .object({
    ...filterFields,
    kind: maybe(z.enum(REPORT_KINDS)),
    q: maybe(z.string().trim().max(100)),
    cursor: maybe(z.string().max(200)),
    limit: maybe(z.coerce.number().int().min(1).max(100)),
  })
  .strict();

const mapQuery = z
  .object({
    ...filterFields,
    days: maybe(z.coerce.number().int().min(1).max(365)),
  })
  .strict();

/** "106.7,-6.3,106.9,-6.1" -> the box, or a 400. */
function parseBbox(value: string | undefined): PublicListInput["bbox"] {
  if (value === undefined || value === "") return undefined;
  const parts = value.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
  const ok = parts.length === 4 && parts.every(Number.isFinite)
    && Math.abs(minLon) <= 180 && Math.abs(maxLon) <= 180 && Math.abs(minLat) <= 90 && Math.abs(maxLat) <= 90
    && minLon <= maxLon && minLat <= maxLat;
  if (!ok) throw new DomainError("VALIDATION_FAILED", "bbox must be minLon,minLat,maxLon,maxLat with min <= max");
  return { minLon, minLat, maxLon, maxLat };
}

/** The Balai Warga list and map: publicly listed reports only, no identity (src/app/public-reports.ts). */
export function publicListRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/public/reports", {
      schema: {
        tags: ["public"],
        summary: "Reports on the public list (newest first, keyset cursor); no personal data",
        description: "Confidential reports, reports closed as invalid and reports held at triage for abuse, spam or emptiness are never listed. `summary` is the description with contact details masked, cut to 200 characters; lat/lon are rounded to 3 decimals.",
        querystring: listQuery,
      },
    }, async (request) => {
      const qs = request.query;
      const q = none(qs.q);
      return listPublic(ctx, {
        colour: none(qs.colour),
        category: none(qs.category),
        kelurahan: none(qs.kelurahan),
        kind: none(qs.kind),
        q: q === "" ? undefined : q,
        bbox: parseBbox(qs.bbox),
        cursor: none(qs.cursor),
        limit: none(qs.limit),
      }, languageOf(request));
    });

    app.get("/api/v1/public/reports.geojson", {
      schema: {
        tags: ["public"],
        summary: "The public map: a GeoJSON FeatureCollection of report points (at most 5,000 newest, rounded to ~100 m)",
        querystring: mapQuery,
      },
    }, async (request, reply) => {
      const qs = request.query;
      const body = await mapPublic(ctx, {
        colour: none(qs.colour),
        category: none(qs.category),
        kelurahan: none(qs.kelurahan),
        days: none(qs.days),
        bbox: parseBbox(qs.bbox),
      }, languageOf(request));
      return reply.type("application/geo+json; charset=utf-8").header("cache-control", "public, max-age=60").send(JSON.stringify(body));
    });
  };
}
