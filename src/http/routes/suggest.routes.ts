/** Category suggestions for the portal's report form (public, no login; cheap: the cached classifier only). */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { suggestCategories } from "../../app/category-suggestions.ts";
import type { AppContext } from "../../app/context.ts";
import { languageOf } from "../auth.ts";
import { text } from "../schemas.ts";

const suggestionQuery = z
  .object({
    text: text(2000).min(3, "at least 3 characters"),
    lang: z.enum(["id", "en"]).optional(),
  })
  .strict();

export function suggestRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/public/category-suggestions", {
      schema: {
        tags: ["public"],
        summary: "Categories a report's text most likely belongs to (up to 3, best first), while the citizen types",
        querystring: suggestionQuery,
      },
    }, async (request, reply) => {
      const result = await suggestCategories(ctx, request.query.text, languageOf(request));
      // The answer depends only on the text and the reference data: a short shared cache absorbs repeats.
      return reply.header("cache-control", "public, max-age=300").send(result);
    });
  };
}
