import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { confirmSubscription, subscribe, subscriptionStatus, unsubscribe } from "../../app/subscriptions.ts";
import { languageOf } from "../auth.ts";
import { ticketParam } from "../schemas.ts";

const subscribeBody = z
  .object({
    email: z.string().trim().max(254).email(),
    language: z.enum(["id", "en"]).optional(),
  })
  .strict();

const tokenParam = z.object({ token: z.string().min(1).max(100) }).strict();

/**
 * E-mail subscriptions to a report's public changes, with double opt-in (src/app/subscriptions.ts). The
 * links in our mails lead to the portal page /langganan/{token}, which calls these routes.
 */
export function subscriptionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // RFC 8058 one-click unsubscribe posts a form (List-Unsubscribe=One-Click); the token in the URL is what counts.
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 4096 }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))));

    app.post("/api/v1/public/reports/:ticket/subscriptions", {
      schema: {
        tags: ["public"],
        summary: "Ask for e-mail updates on a report (double opt-in: a confirmation mail is sent)",
        description: "Always 202 {status:\"pending\"} for a valid address and a known ticket, whether or not the address is subscribed already. At most one confirmation per report and address per hour, and 10 pending subscriptions per address per day; beyond them nothing is sent.",
        params: ticketParam,
        body: subscribeBody,
        response: { 202: z.object({ status: z.literal("pending") }) },
      },
    }, async (request, reply) => {
      const result = await subscribe(ctx, request.params.ticket, { email: request.body.email, language: request.body.language ?? languageOf(request) });
      return reply.status(202).send(result);
    });

    app.get("/api/v1/public/subscriptions/:token", {
      schema: {
        tags: ["public"],
        summary: "What a subscription link manages: the ticket, the status and the masked address",
        params: tokenParam,
        response: { 200: z.object({ ticket: z.string(), status: z.enum(["pending", "active", "unsubscribed"]), emailMasked: z.string() }) },
      },
    }, async (request, reply) => reply.header("cache-control", "no-store").send(await subscriptionStatus(ctx, request.params.token)));

    app.post("/api/v1/public/subscriptions/:token/confirm", {
      schema: {
        tags: ["public"],
        summary: "Confirm a subscription (the link of the confirmation mail)",
        params: tokenParam,
        response: { 200: z.object({ status: z.literal("active"), ticket: z.string() }) },
      },
    }, async (request) => confirmSubscription(ctx, request.params.token));

    app.post("/api/v1/public/subscriptions/:token/unsubscribe", {
      schema: {
        tags: ["public"],
        summary: "Stop a subscription (also RFC 8058 one-click: a form body List-Unsubscribe=One-Click)",
        params: tokenParam,
        response: { 200: z.object({ status: z.literal("unsubscribed"), ticket: z.string() }) },
      },
    }, async (request) => unsubscribe(ctx, request.params.token));
  };
}
