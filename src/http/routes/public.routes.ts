import type { Multipart } from "@fastify/multipart";
import { asMultipartError } from "../errors.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import { commentOnReport } from "../../app/portal-comments.ts";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { getPublicReport } from "../../app/report-queries.ts";
import { submitReport } from "../../app/submit-report.ts";
import { disputeReport, supportReport, supporterKey } from "../../app/transition-report.ts";
import { publicPhoto } from "../../app/uploads.ts";
import { DomainError } from "../../domain/errors.ts";
import { languageOf } from "../auth.ts";
import { disputeSchema, langQuery, publicReportSchema, supportSchema, ticketParam, commentSchema } from "../schemas.ts";

const MAX_PHOTOS = 5;

/** Reads a multipart report: JSON-typed fields as text, `photos` as files. */
async function readMultipartReport(request: FastifyRequest): Promise<{ fields: Record<string, unknown>; photos: Buffer[] }> {
  const fields: Record<string, unknown> = {};
  const photos: Buffer[] = [];
  try {
    for await (const part of request.parts()) await readPart(part, fields, photos);
  } catch (err) {
    throw asMultipartError(err);
  }
  return { fields, photos };
}

async function readPart(part: Multipart, fields: Record<string, unknown>, photos: Buffer[]): Promise<void> {
  {
    if (part.type === "file") {
      if (part.fieldname !== "photos") throw new DomainError("VALIDATION_FAILED", `unexpected file field ${part.fieldname}`);
      if (photos.length >= MAX_PHOTOS) throw new DomainError("VALIDATION_FAILED", `at most ${MAX_PHOTOS} photos`);
      photos.push(await part.toBuffer());
    } else {
      const value = String(part.value);
      if (part.fieldname === "lat" || part.fieldname === "lon") {
        const n = Number(value);
        fields[part.fieldname] = value.trim() === "" ? undefined : Number.isFinite(n) ? n : value;
      } else if (part.fieldname === "contact") {
        try {
          fields.contact = JSON.parse(value);
        } catch {
          throw new DomainError("VALIDATION_FAILED", "contact must be a JSON object");
        }
      } else if (part.fieldname.startsWith("contact.")) {
        fields.contact = { ...(fields.contact as object | undefined), [part.fieldname.slice(8)]: value };
      } else {
        fields[part.fieldname] = value;
      }
    }
  }
}

export function publicRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const serialized = new WeakMap<object, string>();
  return async (app) => {
    app.post("/api/v1/public/reports", {
      schema: {
        tags: ["public"],
        summary: "Submit a report (JSON, or multipart with `photos`)",
        description: "Fields: description (required), kind, lat, lon, address, category, contact {name,email,phone}. Multipart: the same fields as form fields (contact as JSON or contact.email ...), files in `photos`.",
        response: { 201: z.object({ ticket: z.string(), state: z.string(), label: z.string(), colour: z.string() }) },
      },
    }, async (request, reply) => {
      let body: unknown = request.body;
      let photos: Buffer[] = [];
      if (request.isMultipart()) ({ fields: body, photos } = await readMultipartReport(request));
      const parsed = publicReportSchema.safeParse(body);
      if (!parsed.success)
        throw new DomainError("VALIDATION_FAILED", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), parsed.error.issues);
      const input = parsed.data;
      const result = await submitReport(ctx, {
        ...input,
        channel: "portal",
        photos,
        language: input.language ?? languageOf(request),
      });
      return reply.status(201).send(result);
    });

    app.get("/api/v1/public/reports/:ticket", {
      schema: { tags: ["public"], summary: "Track a report by ticket (no personal data)", params: ticketParam, querystring: langQuery },
    }, async (request, reply) => {
      const view = await getPublicReport(ctx, request.params.ticket, languageOf(request));
      // Cached views are the same object until the report changes: serialize each once.
      let json = serialized.get(view);
      if (json === undefined) serialized.set(view, (json = JSON.stringify(view)));
      return reply.type("application/json; charset=utf-8").send(json);
    });

    app.post("/api/v1/public/reports/:ticket/disputes", {
      schema: { tags: ["public"], summary: "Dispute the follow-up of a done report (reopens it)", params: ticketParam, body: disputeSchema },
    }, async (request, reply) => {
      const result = await disputeReport(ctx, request.params.ticket, { reason: request.body.reason, contact: request.body.contact });
      return reply.status(201).send(result);
    });

    app.post("/api/v1/public/reports/:ticket/comments", {
      schema: { tags: ["public"], summary: "Comment on a report's public page (the author is never shown)", params: ticketParam, body: commentSchema },
    }, async (request, reply) => reply.status(201).send(await commentOnReport(ctx, request.params.ticket, request.body)));

    app.post("/api/v1/public/reports/:ticket/supports", {
      schema: { tags: ["public"], summary: "Support a report (+1)", params: ticketParam, body: supportSchema },
    }, async (request, reply) => {
      const contact = request.body?.contact;
      const who = contact?.email ?? contact?.phone ?? `${request.ip}|${request.headers["user-agent"] ?? ""}`;
      const result = await supportReport(ctx, request.params.ticket, supporterKey(who));
      return reply.status(result.added ? 201 : 200).send(result);
    });

    app.get("/api/v1/public/photos/:id", {
      schema: { tags: ["public"], summary: "A report photo without EXIF", params: z.object({ id: z.string().uuid() }).strict() },
    }, async (request, reply) => {
      const photo = await publicPhoto(ctx, request.params.id);
      return reply.header("content-type", photo.contentType).header("cache-control", "public, max-age=86400").send(photo.data);
    });
  };
}
