import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../app/context.ts";
import { acceptWebhook, type ConnectorRegistry } from "../../app/inbound.ts";
import { DomainError } from "../../domain/errors.ts";

const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * Inbound channel webhooks: the signature is checked over the raw bytes, the raw payload is
 * stored, and only then is the request acknowledged. A channel that is not configured is off.
 */
export function webhookRoutes(ctx: AppContext, connectors: ConnectorRegistry, publicBaseUrl: string): FastifyPluginAsyncZod {
  return async (app) => {
    // Raw bytes for every body type: signatures are computed over exactly what was sent.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    const signed = (request: FastifyRequest) => ({
      url: publicBaseUrl + request.url,
      headers: request.headers,
      rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      contentType: String(request.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim(),
    });
    const connector = (channel: string) => {
      const c = connectors.get(channel);
      if (!c) throw new DomainError("NOT_FOUND", `the ${channel} channel is not configured`);
      return c;
    };

    // Graph (Facebook, WhatsApp) verify challenges and the Twitter CRC: answered from the connector.
    app.post("/webhooks/qlue", {
      schema: { tags: ["channels"], summary: "Qlue partner webhook (X-Qlue-Signature); acknowledged once stored" },
    }, async (request) => {
      await acceptWebhook(ctx, connector("qlue"), signed(request));
      return { ok: true };
    });

    for (const channel of ["facebook", "whatsapp", "twitter"] as const) {
      app.get(`/webhooks/${channel}`, {
        schema: { tags: ["channels"], summary: `${channel} subscription challenge` },
      }, async (request, reply) => {
        const answer = connector(channel).challenge?.((request.query ?? {}) as Record<string, unknown>) ?? null;
        if (answer === null) throw new DomainError("FORBIDDEN", "challenge refused");
        return typeof answer === "string" ? reply.type("text/plain; charset=utf-8").send(answer) : answer;
      });
      app.post(`/webhooks/${channel}`, {
        schema: { tags: ["channels"], summary: `${channel} webhook (signed; acknowledged once stored)` },
      }, async (request) => {
        await acceptWebhook(ctx, connector(channel), signed(request));
        return { ok: true };
      });
    }

    app.post("/webhooks/sms", {
      schema: { tags: ["channels"], summary: "Twilio-compatible SMS webhook (X-Twilio-Signature); answers empty TwiML once stored" },
    }, async (request, reply) => {
      await acceptWebhook(ctx, connector("sms"), signed(request));
      return reply.type("text/xml; charset=utf-8").send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    });
  };
}
