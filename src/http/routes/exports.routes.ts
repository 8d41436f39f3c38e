import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { reportsCsv } from "../../app/exports.ts";
import { openDataCatalogue, openDataCsv, openDataGeoJson } from "../../app/open-data.ts";
import { executiveSummary, summaryPdf } from "../../app/summary.ts";
import { jakartaDate } from "../../domain/stats.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";
import { geojsonQuerySchema, inboxFilterFields, isoDate } from "../schemas.ts";

const summaryQuery = z.object({ period: z.enum(["week", "month"]).default("week"), date: isoDate.optional(), lang: z.enum(["id", "en"]).optional() }).strict();

const openDataQuery = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    category: z.string().max(64).regex(/^[a-z0-9_]+$/, "a category code").optional(),
    kelurahan: inboxFilterFields.kelurahan,
  })
  .strict();

/** CSV export of the inbox, the executive summary (JSON and PDF) for officers; open data for everyone. */
export function exportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(officerExportRoutes(ctx));
    await app.register(openDataRoutes(ctx));
  };
}

function officerExportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));

    app.get("/api/v1/reports.csv", {
      schema: {
        tags: ["reports"],
        summary: "The inbox's filters as CSV: every report of the caller's scope (no page limit), no identity columns",
        querystring: geojsonQuerySchema,
      },
    }, async (request, reply) => {
      const rows = reportsCsv(ctx, actorOf(request), request.query, languageOf(request));
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename=laporan-${jakartaDate(ctx.now())}.csv`)
        .header("cache-control", "private, no-store")
        .send(Readable.from(rows));
    });

    app.get("/api/v1/summary", {
      schema: { tags: ["reports"], summary: "Weekly or monthly executive summary (executives, triage desk; supervisors for their area)", querystring: summaryQuery },
    }, async (request, reply) => {
      const body = await executiveSummary(ctx, actorOf(request), request.query, languageOf(request));
      return reply.header("cache-control", "private, no-store").send(body);
    });

    app.get("/api/v1/summary.pdf", {
      schema: { tags: ["reports"], summary: "The executive summary as a PDF (Indonesian; ?lang=en for English)", querystring: summaryQuery },
    }, async (request, reply) => {
      const language = request.query.lang ?? "id";
      const summary = await executiveSummary(ctx, actorOf(request), request.query, language);
      const pdf = await summaryPdf(summary, language, ctx.now());
      return reply
        .type("application/pdf")
        .header("content-disposition", `attachment; filename=ringkasan-${summary.period === "week" ? "mingguan" : "bulanan"}-${summary.firstDay}.pdf`)
        .header("cache-control", "private, no-store")
        .send(pdf);
    });
  };
}

function openDataRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/open-data", { schema: { tags: ["open data"], summary: "The open-data catalogue: fields, licence, files" } }, async () =>
      openDataCatalogue(ctx.publicBaseUrl));

    app.get("/api/v1/open-data/reports.csv", {
      schema: { tags: ["open data"], summary: "Publicly listed reports as CSV (no login; no identity, no text; points rounded to ~100 m)", querystring: openDataQuery },
    }, async (request, reply) => {
      const rows = await openDataCsv(ctx, request.query, request.ip);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename=laporan-terbuka-${jakartaDate(ctx.now())}.csv`)
        .header("access-control-allow-origin", "*")
        .send(Readable.from(rows));
    });

    app.get("/api/v1/open-data/reports.geojson", {
      schema: { tags: ["open data"], summary: "Publicly listed reports as GeoJSON (no login; no identity, no text; points rounded to ~100 m)", querystring: openDataQuery },
    }, async (request, reply) => {
      const body = await openDataGeoJson(ctx, request.query, request.ip);
      return reply
        .type("application/geo+json; charset=utf-8")
        .header("access-control-allow-origin", "*")
        .send(Readable.from(body));
    });
  };
}
