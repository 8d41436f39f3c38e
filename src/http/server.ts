import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../app/context.ts";
import { DomainError } from "../domain/errors.ts";
import { errorBody, installErrorHandler } from "./errors.ts";
import { duplicateRoutes } from "./routes/duplicates.routes.ts";
import { exportRoutes } from "./routes/exports.routes.ts";
import { geoRoutes } from "./routes/geo.routes.ts";
import { adminRoutes, referenceRoutes } from "./routes/admin.routes.ts";
import { authRoutes, reportRoutes } from "./routes/officer.routes.ts";
import { publicRoutes } from "./routes/public.routes.ts";
import { publicListRoutes } from "./routes/public-list.routes.ts";
import { statsRoutes } from "./routes/stats.routes.ts";
import { subscriptionRoutes } from "./routes/subscriptions.routes.ts";
import { suggestRoutes } from "./routes/suggest.routes.ts";
import { webRoutes } from "./routes/web.routes.ts";
import { webhookRoutes } from "./routes/webhooks.routes.ts";
import { workspaceRoutes } from "./routes/workspace.routes.ts";
import { open311Routes } from "./routes/open311.routes.ts";
import { parseEnvKeys } from "../app/open311.ts";
import type { ConnectorRegistry } from "../app/inbound.ts";
import type { MapTiles } from "../config.ts";

export interface ServerOptions {
  logger?: boolean;
  secureCookies?: boolean;
  /** resolves when the database is migrated and reachable */
  health: () => Promise<Record<string, unknown>>;
  bodyLimitBytes?: number;
  connectors: ConnectorRegistry;
  publicBaseUrl: string;
  /** raster tiles for the officers' map (MAP_TILE_URL): in /api/v1/config and admitted by the pages' CSP */
  mapTiles?: MapTiles | null;
  /** OPEN311_API_KEYS: comma-separated keys accepted for Open311 POST */
  open311ApiKeys?: string;
  /** TRUST_PROXY (config.ts): whose X-Forwarded-For gives the client address; default the loopback proxy */
  trustProxy?: boolean | string;
}

/** Builds the HTTP server: validate -> authorize -> call a use case -> present, with one error handler. */
export async function buildServer(ctx: AppContext, opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: "info" } : false,
    bodyLimit: opts.bodyLimitBytes ?? 1024 * 1024,
    trustProxy: opts.trustProxy ?? "loopback",
    routerOptions: { maxParamLength: 1000 },
    // Bad URLs and over-long path parameters answer in the contract's error shape too.
    frameworkErrors: (err, _request, reply) => {
      const notFound = err.code === "FST_ERR_MAX_PARAM_LENGTH";
      void (reply as unknown as FastifyReply).code(notFound ? 404 : 400).send(errorBody(notFound ? "NOT_FOUND" : "VALIDATION_FAILED", err.message));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  // PostgreSQL cannot store a NUL character: refuse it at the door, in the URL and in JSON bodies.
  app.addHook("onRequest", async (request) => {
    if (/%00/i.test(request.url) || request.url.includes("\u0000")) throw new DomainError("VALIDATION_FAILED", "NUL characters are not allowed");
  });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string;
    if (text.includes("\u0000") || text.includes("\\u0000")) return done(new DomainError("VALIDATION_FAILED", "NUL characters are not allowed"));
    if (text.trim() === "") return done(null, undefined);
    try {
      // Prototype-poisoning keys are refused outright (cheaper than a reviver on every key).
      if (/"(?:__proto__|constructor)"\s*:/.test(text)) return done(new DomainError("VALIDATION_FAILED", "forbidden key in JSON body"));
      done(null, JSON.parse(text));
    } catch {
      done(new DomainError("VALIDATION_FAILED", "the body is not valid JSON"));
    }
  });

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 5, fields: 30, fieldSize: 64 * 1024, parts: 40 } });
  await app.register(swagger, {
    openapi: {
      info: { title: "Aspirasi API", version: "1", description: "Citizen Relation Management: one inbox for every channel. Errors: {\"error\":{\"code\",\"message\"}}." },
      components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "aspirasi_session" } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  // Security headers for every answer.
  app.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    reply.header("x-frame-options", "DENY");
  });

  app.get("/health", { schema: { tags: ["health"], summary: "Ready once the database is migrated and reachable" } }, async (_request, reply) => {
    try {
      return { status: "ok", ...(await opts.health()) };
    } catch (err) {
      return reply.status(503).send({ status: "unavailable", error: { code: "UNAVAILABLE", message: err instanceof Error ? err.message : String(err) } });
    }
  });

  await app.register(publicRoutes(ctx));
  await app.register(publicListRoutes(ctx));
  await app.register(subscriptionRoutes(ctx));
  await app.register(authRoutes(ctx, { secureCookies: opts.secureCookies ?? false }));
  await app.register(referenceRoutes(ctx, { mapTiles: opts.mapTiles ?? null }));
  await app.register(reportRoutes(ctx));
  await app.register(workspaceRoutes(ctx));
  await app.register(duplicateRoutes(ctx));
  await app.register(suggestRoutes(ctx));
  await app.register(geoRoutes(ctx));
  await app.register(statsRoutes(ctx));
  await app.register(adminRoutes(ctx));
  await app.register(exportRoutes(ctx));
  await app.register(webhookRoutes(ctx, opts.connectors, opts.publicBaseUrl));
  await app.register(open311Routes(ctx, { envKeys: parseEnvKeys(opts.open311ApiKeys) }));
  await app.register(webRoutes({ extraImageSources: opts.mapTiles ? [opts.mapTiles.cspSource] : [] }));
  return app;
}
