import "@fastify/multipart";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { login, logout } from "../../app/auth.ts";
import { getOfficerReport, listReportsForActor, officerProfile } from "../../app/report-queries.ts";
import { enterReportForCitizen } from "../../app/submit-report.ts";
import { transitionReport } from "../../app/transition-report.ts";
import { officerPhoto, uploadEvidence } from "../../app/uploads.ts";
import { DomainError } from "../../domain/errors.ts";
import { asMultipartError } from "../errors.ts";
import { actorOf, CSRF_COOKIE, languageOf, officerAuth, SESSION_COOKIE } from "../auth.ts";
import { contactSchema, listQuerySchema, loginSchema, publicReportSchema, ticketParam, transitionSchema, langQuery, text } from "../schemas.ts";

export function authRoutes(ctx: AppContext, opts: { secureCookies: boolean }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post("/api/v1/auth/login", {
      schema: { tags: ["auth"], summary: "Officer login; sets an HttpOnly session cookie", body: loginSchema },
    }, async (request, reply) => {
      const s = await login(ctx, request.body.email, request.body.password, request.ip);
      const cookie = { path: "/", sameSite: "strict" as const, secure: opts.secureCookies, expires: s.expiresAt };
      reply.setCookie(SESSION_COOKIE, s.token, { ...cookie, httpOnly: true });
      reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...cookie, httpOnly: false });
      return { user: s.user, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
    });

    app.post("/api/v1/auth/logout", { schema: { tags: ["auth"], summary: "End the session" }, onRequest: officerAuth(ctx) }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logout(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" }).clearCookie(CSRF_COOKIE, { path: "/" });
      return { ok: true };
    });
  };
}

export function reportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));

    app.get("/api/v1/me", { schema: { tags: ["auth"], summary: "The logged-in officer, their unit and read scope" } }, async (request) => officerProfile(ctx, actorOf(request)));

    app.get("/api/v1/reports", {
      schema: { tags: ["reports"], summary: "The inbox, scoped to what the caller may see", querystring: listQuerySchema },
    }, async (request) => listReportsForActor(ctx, actorOf(request), request.query, languageOf(request)));

    app.get("/api/v1/reports/:ticket", {
      schema: { tags: ["reports"], summary: "The officer view with the cross-channel timeline", params: ticketParam, querystring: langQuery },
    }, async (request) => getOfficerReport(ctx, actorOf(request), request.params.ticket, languageOf(request)));

    app.post("/api/v1/reports/:ticket/transitions", {
      schema: { tags: ["reports"], summary: "Move a report through its lifecycle", params: ticketParam, body: transitionSchema },
    }, async (request) => {
      const b = request.body;
      return transitionReport(ctx, actorOf(request), request.params.ticket, {
        action: b.action,
        unitId: b.unit,
        note: b.note,
        publicComment: b.publicComment,
        reason: b.reason,
        closeReason: b.closeReason,
        responsibleParty: b.responsibleParty,
        duplicateOf: b.duplicateOf,
        photos: b.photos,
        assigneeUserId: b.assignee,
        categoryCode: b.category,
        kelurahanCode: b.kelurahan,
        lat: b.lat,
        lon: b.lon,
      });
    });

    // Walk-in and phone reports: an officer enters the report for the citizen.
    app.post("/api/v1/reports", {
      schema: {
        tags: ["reports"],
        summary: "Enter a walk-in or phone report for a citizen",
        body: z.object({ report: publicReportSchema, channel: z.enum(["walk_in", "phone"]), contact: contactSchema.optional(), note: text(500).optional() }).strict(),
      },
    }, async (request, reply) => {
      const r = request.body.report;
      const result = await enterReportForCitizen(ctx, actorOf(request), { ...r, contact: request.body.contact ?? r.contact, channel: request.body.channel });
      return reply.status(201).send(result);
    });

    app.post("/api/v1/uploads", {
      schema: { tags: ["reports"], summary: "Upload a photo (multipart field `file`)", consumes: ["multipart/form-data"] },
    }, async (request, reply) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError("UNSUPPORTED_MEDIA_TYPE", "send multipart/form-data with a `file` field");
      let data: Buffer;
      try {
        const file = await request.file();
        if (!file || file.fieldname !== "file") throw new DomainError("VALIDATION_FAILED", "a `file` field is required");
        data = await file.toBuffer();
      } catch (err) {
        throw asMultipartError(err);
      }
      const upload = await uploadEvidence(ctx, actor, data);
      return reply.status(201).send({ id: upload.id, contentType: upload.contentType, width: upload.width, height: upload.height, exif: upload.exif });
    });

    app.get("/api/v1/uploads/:id", {
      schema: { tags: ["reports"], summary: "An uploaded photo (officers in scope get the original with its EXIF)", params: z.object({ id: z.string().uuid() }).strict() },
    }, async (request, reply) => {
      const photo = await officerPhoto(ctx, actorOf(request), request.params.id);
      return reply.header("content-type", photo.contentType).header("cache-control", "private, max-age=3600").send(photo.data);
    });
  };
}
