/**
 * Duplicate candidates (issue #4): the portal asks before submit (no login), officers see a report's
 * candidates and linked duplicates and link a duplicate to its original (session + CSRF).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { linkDuplicate, officerDuplicates, publicDuplicateCandidates } from "../../app/duplicates.ts";
import { actorOf, languageOf, officerAuth } from "../auth.ts";
import { langQuery, text, ticketParam } from "../schemas.ts";

/** A coordinate in a query string: a plain decimal number within range ("" or "abc" is refused, not read as 0). */
const coordinate = (limit: number) =>
  z.string().trim().regex(/^-?\d{1,3}(\.\d{1,12})?$/, "a decimal number").transform(Number).pipe(z.number().min(-limit).max(limit));

const candidateQuery = z
  .object({
    lat: coordinate(90).optional(),
    lon: coordinate(180).optional(),
    description: text(2000).optional(),
    category: z.string().trim().max(64).regex(/^[a-z0-9_]+$/, "a category code").optional(),
    kelurahan: z.string().trim().regex(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/, "a kelurahan code such as 31.71.01.1001").optional(),
    lang: z.enum(["id", "en"]).optional(),
  })
  .strict()
  .refine((q) => (q.lat === undefined) === (q.lon === undefined), { message: "lat and lon go together", path: ["lat"] });

const linkBody = z
  .object({
    ticket: z.string().trim().min(1, "the original's ticket is required").max(40),
    note: text(4000).optional(),
    publicComment: text(2000).optional(),
  })
  .strict();

export function duplicateRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const officerRoutes: FastifyPluginAsyncZod = async (app) => {
    app.addHook("onRequest", officerAuth(ctx));

    app.get("/api/v1/reports/:ticket/duplicates", {
      schema: { tags: ["reports"], summary: "Duplicate candidates of a report, and the reports linked to it with their timelines", params: ticketParam, querystring: langQuery },
    }, async (request) => officerDuplicates(ctx, actorOf(request), request.params.ticket, languageOf(request)));

    app.post("/api/v1/reports/:ticket/duplicate-of", {
      schema: { tags: ["reports"], summary: "Close this report as a duplicate of another (its reporter and supporters support the original)", params: ticketParam, body: linkBody },
    }, async (request) => {
      const { ticket, note, publicComment } = request.body;
      return linkDuplicate(ctx, actorOf(request), request.params.ticket, { original: ticket, note, publicComment });
    });
  };

  return async (app) => {
    app.get("/api/v1/public/duplicates", {
      schema: {
        tags: ["public"],
        summary: "Reports a new one may duplicate, before submit (public fields only)",
        description: "lat and lon (a point; candidates within 250 m), or kelurahan without a point; description and category refine the ranking. Items with likely=true score at or above the threshold.",
        querystring: candidateQuery,
      },
    }, async (request, reply) => {
      const { lang: _lang, ...query } = request.query;
      const result = await publicDuplicateCandidates(ctx, query, languageOf(request));
      // Public data that changes only when reports arrive: a short shared cache absorbs repeated keystrokes.
      return reply.header("cache-control", "public, max-age=30").send(result);
    });

    await app.register(officerRoutes);
  };
}
