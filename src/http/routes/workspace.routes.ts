import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { replyTemplatesFor, replyToCitizen } from "../../app/replies.ts";
import { reportPointsForActor } from "../../app/report-queries.ts";
import { removeView, savedViewsOf, saveView } from "../../app/saved-views.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";
import { geojsonQuerySchema, langQuery, savedViewSchema, text, ticketParam } from "../schemas.ts";

/** The officer workspace's own routes: the map's points, saved inbox views, replies to the citizen. */
export function workspaceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));

    app.get("/api/v1/reports.geojson", {
      schema: {
        tags: ["reports"],
        summary: "The inbox's filters as GeoJSON points (at most 5000 newest located reports in the caller's scope)",
        querystring: geojsonQuerySchema,
      },
    }, async (request, reply) => {
      const body = await reportPointsForActor(ctx, actorOf(request), request.query, languageOf(request));
      return reply.type("application/geo+json; charset=utf-8").header("cache-control", "private, no-store").send(JSON.stringify(body));
    });

    app.get("/api/v1/views", { schema: { tags: ["workspace"], summary: "The caller's saved inbox views" } }, async (request) =>
      savedViewsOf(ctx, actorOf(request)));

    app.post("/api/v1/views", {
      schema: { tags: ["workspace"], summary: "Save a named inbox filter (at most 50 per officer)", body: savedViewSchema },
    }, async (request, reply) => reply.status(201).send(await saveView(ctx, actorOf(request), request.body)));

    app.delete("/api/v1/views/:id", {
      schema: { tags: ["workspace"], summary: "Delete one of the caller's saved views", params: z.object({ id: z.string().uuid() }).strict() },
    }, async (request, reply) => {
      await removeView(ctx, actorOf(request), request.params.id);
      return reply.status(204).send();
    });

    app.get("/api/v1/reports/:ticket/reply-templates", {
      schema: { tags: ["reports"], summary: "Replies to the citizen, filled in for this report", params: ticketParam, querystring: langQuery },
    }, async (request) => replyTemplatesFor(ctx, actorOf(request), request.params.ticket, languageOf(request)));

    app.post("/api/v1/reports/:ticket/replies", {
      schema: {
        tags: ["reports"],
        summary: "Answer the citizen on the report's channel (officers of the holding unit, the triage desk)",
        params: ticketParam,
        body: z.object({ text: text(1000).min(1, "text is required"), templateId: z.string().max(64).optional() }).strict(),
      },
    }, async (request, reply) => reply.status(201).send(await replyToCitizen(ctx, actorOf(request), request.params.ticket, request.body)));
  };
}
