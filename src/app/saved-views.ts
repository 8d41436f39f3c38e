import type { Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { withTransaction } from "../store/db.ts";
import { deleteSavedView, insertSavedView, listSavedViews, type SavedView } from "../store/saved-views.store.ts";
import type { AppContext } from "./context.ts";

/** How many views one officer may keep. */
export const MAX_VIEWS_PER_USER = 50;

const present = (v: SavedView) => ({ id: v.id, name: v.name, filters: v.filters, createdAt: v.createdAt.toISOString() });

/** The caller's own saved inbox views, oldest first. */
export async function savedViewsOf(ctx: AppContext, actor: Actor) {
  return { items: (await listSavedViews(ctx.pool, actor.userId)).map(present) };
}

/**
 * Saves a named inbox filter for the caller. The filters are the inbox's query values, validated by the
 * route with the inbox's own rules; the scope is applied when the view is used, never stored.
 */
export async function saveView(ctx: AppContext, actor: Actor, input: { name: string; filters: Record<string, string> }) {
  const name = input.name.trim();
  if (!name) throw new DomainError("VALIDATION_FAILED", "name is required");
  const view = await withTransaction(ctx.pool, (tx) =>
    insertSavedView(tx, { id: ctx.newId(), userId: actor.userId, name, filters: input.filters, createdAt: ctx.now() }, MAX_VIEWS_PER_USER),
  );
  if (!view) throw new DomainError("CONFLICT", `at most ${MAX_VIEWS_PER_USER} saved views per officer; delete one first`);
  return present(view);
}

/** Deletes one of the caller's views; another officer's view is as unknown as a missing one. */
export async function removeView(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  if (!(await deleteSavedView(ctx.pool, actor.userId, id))) throw new DomainError("NOT_FOUND", "no saved view with that id");
}
