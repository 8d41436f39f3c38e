/** Monitoring dashboard API (issue 6): aggregates scoped to the caller's read scope. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { statsAreas, statsOverview, statsRankings, statsTrend, statsUnits } from "../../app/stats.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD").refine((s) => !Number.isNaN(Date.parse(s)), "not a valid date");

const filterFields = {
  kota: z.string().regex(/^\d{2}\.\d{2}$/, "a kota code such as 31.71").optional(),
  kecamatan: z.string().regex(/^\d{2}\.\d{2}\.\d{2}$/, "a kecamatan code such as 31.71.01").optional(),
  kelurahan: z.string().regex(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/, "a kelurahan code such as 31.71.01.1001").optional(),
  unit: z.string().max(100).optional(),
  category: z.string().max(64).optional(),
  channel: z.string().max(40).optional(),
  from: date.optional(),
  to: date.optional(),
  lang: z.enum(["id", "en"]).optional(),
};

const overviewQuery = z.object(filterFields).strict();
const areasQuery = z.object({ ...filterFields, level: z.enum(["kota", "kecamatan", "kelurahan"]).default("kelurahan") }).strict();
const unitsQuery = z.object({ ...filterFields, kind: z.enum(["kelurahan", "agency", "sub_office"]).default("kelurahan") }).strict();
const trendQuery = z.object({ ...filterFields, interval: z.enum(["day", "week", "month"]).default("day") }).strict();
const rankingsQuery = z
  .object({
    kind: z.enum(["kelurahan", "agency"]).default("kelurahan"),
    from: date.optional(),
    to: date.optional(),
    minVolume: z.coerce.number().int().min(1).max(100_000).optional(),
    lang: z.enum(["id", "en"]).optional(),
  })
  .strict();

export function statsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));
    app.addHook("onSend", async (_request, reply) => {
      reply.header("cache-control", "private, no-store");
    });

    app.get("/api/v1/stats/overview", {
      schema: { tags: ["stats"], summary: "Current totals by colour and red reason, ageing, SLA and rates, each with the report list behind it", querystring: overviewQuery },
    }, async (request) => statsOverview(ctx, actorOf(request), request.query, languageOf(request)));

    app.get("/api/v1/stats/areas", {
      schema: { tags: ["stats"], summary: "Current counts per kota, kecamatan or kelurahan (choropleth)", querystring: areasQuery },
    }, async (request) => statsAreas(ctx, actorOf(request), request.query));

    app.get("/api/v1/stats/units", {
      schema: { tags: ["stats"], summary: "Per unit: reports held now by colour, working days held, SLA compliance", querystring: unitsQuery },
    }, async (request) => statsUnits(ctx, actorOf(request), request.query));

    app.get("/api/v1/stats/trend", {
      schema: { tags: ["stats"], summary: "Created, done, closed and reopened reports per day, week or month", querystring: trendQuery },
    }, async (request) => statsTrend(ctx, actorOf(request), request.query));

    app.get("/api/v1/stats/rankings", {
      schema: { tags: ["stats"], summary: "Volume-normalised unit rankings with a minimum volume, method explained in Indonesian and English", querystring: rankingsQuery },
    }, async (request) => statsRankings(ctx, actorOf(request), request.query));
  };
}
