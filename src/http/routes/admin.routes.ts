import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import {
  changeUser,
  createUser,
  holidays,
  mergeCitizenRecords,
  notificationsFor,
  officersOfUnit,
  outboxForAdmin,
  inboundPayloadForAdmin,
  inboundPayloadsForAdmin,
  requeueInboundPayload,
  removeHoliday,
  saveCategory,
  saveHoliday,
  saveUnit,
  usersForAdmin,
} from "../../app/admin.ts";
import { retryOutbox } from "../../app/deliver-outbox.ts";
import { DomainError } from "../../domain/errors.ts";
import { ROLES } from "../../domain/access-policy.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";
import { categorySchema, holidaySchema, isoDate, unitSchema, userCreateSchema, userPatchSchema } from "../schemas.ts";

/** Reference data is public to read (units, categories, holidays); changing it is for administrators. */
export function referenceRoutes(ctx: AppContext, opts: { mapTiles?: { url: string; attribution: string | null } | null } = {}): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/units", {
      schema: { tags: ["reference"], summary: "Units that can hold a report", querystring: z.object({ kind: z.string().max(20).optional() }).strict() },
    }, async (request) => {
      const ref = await ctx.reference.get();
      const items = ref.units.all().filter((u) => !request.query.kind || u.kind === request.query.kind);
      return { items };
    });

    app.get("/api/v1/categories", {
      schema: { tags: ["reference"], summary: "Categories with SLA targets and policies", querystring: z.object({ lang: z.enum(["id", "en"]).optional() }).strict() },
    }, async (request) => {
      const lang = languageOf(request);
      const ref = await ctx.reference.get();
      return { items: [...ref.categories.values()].map((c) => ({ ...c, name: lang === "en" ? c.nameEn : c.nameId })) };
    });

    app.get("/api/v1/holidays", {
      schema: { tags: ["reference"], summary: "The working-day calendar's holidays", querystring: z.object({ year: z.coerce.number().int().min(1900).max(2200).optional() }).strict() },
    }, async (request) => ({ items: await holidays(ctx, request.query.year) }));

    app.get("/api/v1/config", { schema: { tags: ["reference"], summary: "The deployment: name, ticket prefix, map" } }, async () => {
      const { deployment } = await ctx.reference.get();
      return { name: deployment.name, provinceCode: deployment.provinceCode, ticketPrefix: deployment.ticketPrefix, timeZone: deployment.timeZone, defaultLanguage: deployment.defaultLanguage,
        // tileUrl null: no tile server configured (MAP_TILE_URL); the map draws the shipped kelurahan polygons only.
        map: { ...deployment.map, tileUrl: opts.mapTiles?.url ?? null, tileAttribution: opts.mapTiles?.attribution ?? null } };
    });
  };
}

export function adminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));

    app.put("/api/v1/units/:id", {
      schema: { tags: ["admin"], summary: "Create or change a unit", params: z.object({ id: z.string().max(100) }).strict(), body: unitSchema },
    }, async (request) => {
      if (request.body.id !== request.params.id) throw new DomainError("VALIDATION_FAILED", "id in path and body differ");
      return saveUnit(ctx, actorOf(request), request.body);
    });

    app.put("/api/v1/categories/:code", {
      schema: { tags: ["admin"], summary: "Create or change a category, its SLA targets and policies", params: z.object({ code: z.string().max(64) }).strict(), body: categorySchema },
    }, async (request) => {
      if (request.body.code !== request.params.code) throw new DomainError("VALIDATION_FAILED", "code in path and body differ");
      return saveCategory(ctx, actorOf(request), request.body);
    });

    app.put("/api/v1/holidays/:date", {
      schema: { tags: ["admin"], summary: "Add or change a holiday", params: z.object({ date: z.string().max(10) }).strict(), body: holidaySchema },
    }, async (request) => {
      if (request.body.date !== request.params.date) throw new DomainError("VALIDATION_FAILED", "date in path and body differ");
      return saveHoliday(ctx, actorOf(request), request.body);
    });

    app.delete("/api/v1/holidays/:date", {
      schema: { tags: ["admin"], summary: "Remove a holiday", params: z.object({ date: isoDate }).strict() },
    }, async (request, reply) => {
      await removeHoliday(ctx, actorOf(request), request.params.date);
      return reply.status(204).send();
    });

    app.get("/api/v1/users", {
      schema: { tags: ["admin"], summary: "Officers", querystring: z.object({ unitId: z.string().max(100).optional(), role: z.enum(ROLES).optional() }).strict() },
    }, async (request) => ({ items: await usersForAdmin(ctx, actorOf(request), request.query) }));

    app.post("/api/v1/users", { schema: { tags: ["admin"], summary: "Create an officer", body: userCreateSchema } }, async (request, reply) =>
      reply.status(201).send(await createUser(ctx, actorOf(request), request.body)));

    app.patch("/api/v1/users/:id", {
      schema: { tags: ["admin"], summary: "Change an officer (role, unit, password, active)", params: z.object({ id: z.string().uuid() }).strict(), body: userPatchSchema },
    }, async (request) => changeUser(ctx, actorOf(request), request.params.id, request.body));

    app.get("/api/v1/units/:id/officers", {
      schema: { tags: ["reports"], summary: "Officers and PPSU crews of a unit (assignment picker)", params: z.object({ id: z.string().max(100) }).strict() },
    }, async (request) => ({ items: await officersOfUnit(ctx, actorOf(request), request.params.id) }));

    app.post("/api/v1/citizens/merge", {
      schema: { tags: ["reports"], summary: "Merge two citizen records (same person, two identities)", body: z.object({ from: z.string().uuid(), into: z.string().uuid() }).strict() },
    }, async (request) => mergeCitizenRecords(ctx, actorOf(request), request.body.from, request.body.into));

    app.get("/api/v1/notifications", {
      schema: { tags: ["reports"], summary: "Notifications for the officer's unit (newest first)" },
    }, async (request) => ({ items: await notificationsFor(ctx, actorOf(request)) }));

    app.get("/api/v1/outbox", {
      schema: { tags: ["admin"], summary: "Outbound messages; status=dead is the dead-letter list", querystring: z.object({ status: z.enum(["pending", "sent", "skipped", "dead"]).optional() }).strict() },
    }, async (request) => ({ items: await outboxForAdmin(ctx, actorOf(request), request.query.status) }));

    app.get("/api/v1/inbound", {
      schema: {
        tags: ["admin"],
        summary: "Stored inbound payloads, newest first; status=malformed lists what no connector could read",
        querystring: z.object({
          status: z.enum(["pending", "processed", "malformed"]).optional(),
          channel: z.string().min(1).max(40).optional(),
          cursor: z.coerce.number().int().positive().optional(),
        }).strict(),
      },
    }, async (request) => inboundPayloadsForAdmin(ctx, actorOf(request), { status: request.query.status, channel: request.query.channel, beforeId: request.query.cursor }));

    app.get("/api/v1/inbound/:id", {
      schema: { tags: ["admin"], summary: "One stored inbound payload as it arrived", params: z.object({ id: z.coerce.number().int().positive() }).strict() },
    }, async (request) => inboundPayloadForAdmin(ctx, actorOf(request), request.params.id));

    app.post("/api/v1/inbound/:id/requeue", {
      schema: { tags: ["admin"], summary: "Handle a malformed payload again", params: z.object({ id: z.coerce.number().int().positive() }).strict() },
    }, async (request) => requeueInboundPayload(ctx, actorOf(request), request.params.id));

    app.post("/api/v1/outbox/:id/retry", {
      schema: { tags: ["admin"], summary: "Send a dead-lettered message again", params: z.object({ id: z.coerce.number().int().positive() }).strict() },
    }, async (request) => {
      const actor = actorOf(request);
      if (actor.role !== "jsc_admin") throw new DomainError("FORBIDDEN", "only administrators may retry messages");
      if (!(await retryOutbox(ctx, request.params.id))) throw new DomainError("NOT_FOUND", "no dead-lettered message with that id");
      return { ok: true };
    });
  };
}
