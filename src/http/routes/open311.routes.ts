/**
 * Open311 GeoReport v2 under /open311/v2/ (JSON or XML by the path's extension, the spec's error format), with
 * mySociety's servicerequestupdates, and the administrators' routes that issue and revoke API keys.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { XMLBuilder } from "fast-xml-parser";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import {
  issueOpen311Key,
  open311KeysForAdmin,
  open311PostRequest,
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311ServiceRequestUpdates,
  open311Services,
  open311Token,
  revokeOpen311Key,
} from "../../app/open311.ts";
import { DomainError, type ErrorCode } from "../../domain/errors.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";
import { asMultipartError } from "../errors.ts";

type Format = "json" | "xml";

const FORM_BODY_LIMIT = 64 * 1024;

const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });

/** XML elements for JSON values: null is an empty element, so every field keeps its place. */
function forXml(value: unknown): unknown {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(forXml);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, forXml(v)]));
  return value;
}

/** The XML shape of each answer: a root element and the element of each item (the spec's examples). */
function toXml(root: string, item: string, items: unknown[]): string {
  return xml.build({ "?xml": { "@_version": "1.0", "@_encoding": "utf-8" }, [root]: items.length ? { [item]: forXml(items) } : "" });
}

function send(reply: FastifyReply, format: Format, status: number, root: string, item: string, items: unknown[]) {
  if (format === "xml") return reply.status(status).type("application/xml; charset=utf-8").send(toXml(root, item, items));
  return reply.status(status).type("application/json; charset=utf-8").send(JSON.stringify(items));
}

/** `requests.json` -> ["requests", "json"]; anything without .json/.xml is not an Open311 resource. */
function splitFormat(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw new DomainError("NOT_FOUND", "Open311 resources end in .json or .xml");
  return [decodeURIComponent(m[1]!), m[2] as Format];
}

const formatOfUrl = (url: string): Format => (/\.xml(?:$|\?)/.test(url.split("#")[0]!) ? "xml" : "json");

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  CATEGORY_NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 403,
  NOT_FOUND: 404,
  REPORT_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, description: string) {
  return send(reply, formatOfUrl(request.url), status, "errors", "error", [{ code: status, description }]);
}

/** Form fields (application/x-www-form-urlencoded): the first value of each name, on an object without a prototype. */
function parseForm(body: string): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  for (const [k, v] of new URLSearchParams(body)) if (!(k in fields)) fields[k] = v;
  return fields;
}

/** A JSON body posted instead of a form: string fields only. */
function fieldsOf(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return Object.create(null) as Record<string, string>;
  if (typeof body !== "object" || Array.isArray(body)) throw new DomainError("VALIDATION_FAILED", "the body must be a form");
  const fields = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === "string") fields[k] = v;
    else if (typeof v === "number" && Number.isFinite(v)) fields[k] = String(v);
  }
  return fields;
}

/**
 * A multipart post (clients that upload the photo itself, as FixMyStreet's `media`): the form fields, and the
 * `media` file as the report's photo (checked like every photo).
 */
async function readMultipart(request: FastifyRequest): Promise<{ fields: Record<string, string>; photos: Buffer[] }> {
  const fields = Object.create(null) as Record<string, string>;
  const photos: Buffer[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === "file") {
        if (part.fieldname !== "media" || photos.length > 0) throw new DomainError("VALIDATION_FAILED", `unexpected file field ${part.fieldname}`);
        photos.push(await part.toBuffer());
      } else if (!(part.fieldname in fields)) {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    throw asMultipartError(err);
  }
  return { fields, photos };
}

const query = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string | undefined>;

function georeport(ctx: AppContext, envKeys: readonly string[]): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      const text = body as string;
      if (text.includes("%00") || text.includes("\u0000")) return done(new DomainError("VALIDATION_FAILED", "NUL characters are not allowed"));
      done(null, parseForm(text));
    });
    // Every failure in the spec's format: [{"code": 400, "description": "..."}] or <errors><error>.
    app.setErrorHandler((err: FastifyError | DomainError | Error, request, reply) => {
      if (err instanceof DomainError) return sendError(request, reply, STATUS[err.code] ?? 400, err.message);
      const status = (err as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) return sendError(request, reply, status, err.message);
      request.log.error({ err }, "unhandled error");
      return sendError(request, reply, 500, "internal server error");
    });
    app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, `no resource ${request.url.split("?")[0]}`));

    const tags = ["open311"];
    for (const format of ["json", "xml"] as const) {
      app.get(`/services.${format}`, { schema: { tags, summary: `Open311 services (${format})` } }, async (request, reply) =>
        send(reply, format, 200, "services", "service", await open311Services(ctx, languageOf(request))));

      app.get(`/requests.${format}`, { schema: { tags, summary: `Open311 service requests (${format})` } }, async (request, reply) =>
        send(reply, format, 200, "service_requests", "request", await open311Requests(ctx, query(request), languageOf(request))));

      app.post(`/requests.${format}`, { schema: { tags, summary: `Post an Open311 service request (${format}; form fields as in GeoReport v2)` } }, async (request, reply) => {
        const { fields, photos } = request.isMultipart() ? await readMultipart(request) : { fields: fieldsOf(request.body), photos: [] };
        return send(reply, format, 201, "service_requests", "request", await open311PostRequest(ctx, envKeys, fields, languageOf(request), photos));
      });

      app.get(`/servicerequestupdates.${format}`, { schema: { tags, summary: `mySociety's updates of service requests (${format})` } }, async (request, reply) =>
        send(reply, format, 200, "service_request_updates", "request_update", await open311ServiceRequestUpdates(ctx, query(request), languageOf(request))));
    }

    app.get("/services/:file", { schema: { tags, summary: "Open311 service definition ({code}.json or .xml)", params: z.object({ file: z.string().max(200) }) } }, async (request, reply) => {
      const [code, format] = splitFormat(request.params.file);
      const definition = await open311ServiceDefinition(ctx, code);
      if (format === "xml") {
        return reply.type("application/xml; charset=utf-8").send(xml.build({
          "?xml": { "@_version": "1.0", "@_encoding": "utf-8" },
          service_definition: { service_code: definition.service_code, attributes: "" },
        }));
      }
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(definition));
    });

    app.get("/requests/:file", { schema: { tags, summary: "One Open311 service request ({id}.json or .xml)", params: z.object({ file: z.string().max(200) }) } }, async (request, reply) => {
      const [id, format] = splitFormat(request.params.file);
      return send(reply, format, 200, "service_requests", "request", await open311Request(ctx, id, languageOf(request)));
    });

    app.get("/tokens/:file", { schema: { tags, summary: "The service request a token became ({token}.json or .xml)", params: z.object({ file: z.string().max(200) }) } }, async (request, reply) => {
      const [token, format] = splitFormat(request.params.file);
      return send(reply, format, 200, "service_requests", "request", await open311Token(ctx, token));
    });
  };
}

function keyAdministration(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("onRequest", officerAuth(ctx));
    const tags = ["admin"];
    app.get("/api/v1/open311/keys", { schema: { tags, summary: "Open311 API keys issued to client applications" } }, async (request) =>
      open311KeysForAdmin(ctx, actorOf(request)));

    app.post("/api/v1/open311/keys", {
      schema: { tags, summary: "Issue an Open311 API key (answered once)", body: z.object({ name: z.string().trim().min(1).max(100) }).strict() },
    }, async (request, reply) => reply.status(201).send(await issueOpen311Key(ctx, actorOf(request), request.body.name)));

    app.delete("/api/v1/open311/keys/:id", {
      schema: { tags, summary: "Revoke an Open311 API key", params: z.object({ id: z.string().max(64) }).strict() },
    }, async (request, reply) => {
      await revokeOpen311Key(ctx, actorOf(request), request.params.id);
      return reply.status(204).send();
    });
  };
}

/** Open311 GeoReport v2 and its key administration; `envKeys` are the OPEN311_API_KEYS. */
export function open311Routes(ctx: AppContext, opts: { envKeys: readonly string[] }): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(georeport(ctx, opts.envKeys), { prefix: "/open311/v2" });
    await app.register(keyAdministration(ctx));
  };
}
