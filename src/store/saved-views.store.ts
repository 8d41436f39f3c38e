import type { Queryable } from "./db.ts";

/** An officer's named inbox filter; `filters` are query-string values of GET /api/v1/reports. */
export interface SavedView {
  id: string;
  userId: string;
  name: string;
  filters: Record<string, string>;
  createdAt: Date;
}

interface Row {
  id: string;
  user_id: string;
  name: string;
  filters: Record<string, string>;
  created_at: Date;
}

const toView = (r: Row): SavedView => ({ id: r.id, userId: r.user_id, name: r.name, filters: r.filters ?? {}, createdAt: r.created_at });

export async function listSavedViews(q: Queryable, userId: string): Promise<SavedView[]> {
  const { rows } = await q.query<Row>("select * from saved_views where user_id = $1 order by created_at, id", [userId]);
  return rows.map(toView);
}

/**
 * Saves a view unless the user already has `max` of them (returns null then). The user's row is
 * locked first, so two saves at once cannot both pass the count.
 */
export async function insertSavedView(
  tx: Queryable,
  view: { id: string; userId: string; name: string; filters: Record<string, string>; createdAt: Date },
  max: number,
): Promise<SavedView | null> {
  await tx.query("select 1 from users where id = $1 for update", [view.userId]);
  const { rows: counted } = await tx.query<{ n: number }>("select count(*)::int as n from saved_views where user_id = $1", [view.userId]);
  if (counted[0]!.n >= max) return null;
  const { rows } = await tx.query<Row>(
    "insert into saved_views (id, user_id, name, filters, created_at) values ($1, $2, $3, $4::jsonb, $5) returning *",
    [view.id, view.userId, view.name, JSON.stringify(view.filters), view.createdAt],
  );
  return toView(rows[0]!);
}

/** Deletes one of the user's views; false when the user has no view with that id. */
export async function deleteSavedView(q: Queryable, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query("delete from saved_views where id = $1 and user_id = $2", [id, userId]);
  return (rowCount ?? 0) > 0;
}
