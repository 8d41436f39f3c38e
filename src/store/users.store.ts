import type { Role } from "../domain/access-policy.ts";
import { normalizeEmail } from "../domain/contact.ts";
import type { Queryable } from "./db.ts";

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  unitId: string | null;
  language: "id" | "en";
  active: boolean;
  createdAt: Date;
}

interface Row {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  unit_id: string | null;
  language: "id" | "en";
  active: boolean;
  created_at: Date;
}

const toUser = (r: Row): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  role: r.role,
  unitId: r.unit_id,
  language: r.language,
  active: r.active,
  createdAt: r.created_at,
});

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRecord | null> {
  const { rows } = await q.query<Row>("select * from users where email = $1", [normalizeEmail(email)]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserById(q: Queryable, id: string): Promise<UserRecord | null> {
  const { rows } = await q.query<Row>("select * from users where id = $1", [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function insertUser(
  q: Queryable,
  u: { id: string; email: string; name: string; passwordHash: string; role: Role; unitId: string | null; language?: "id" | "en" },
): Promise<UserRecord> {
  const { rows } = await q.query<Row>(
    `insert into users (id, email, name, password_hash, role, unit_id, language) values ($1,$2,$3,$4,$5,$6,$7) returning *`,
    [u.id, normalizeEmail(u.email), u.name, u.passwordHash, u.role, u.unitId, u.language ?? "id"],
  );
  return toUser(rows[0]!);
}

export async function updateUser(
  q: Queryable,
  id: string,
  patch: Partial<{ name: string; passwordHash: string; role: Role; unitId: string | null; language: "id" | "en"; active: boolean }>,
): Promise<UserRecord | null> {
  const cols: Record<string, string> = { name: "name", passwordHash: "password_hash", role: "role", unitId: "unit_id", language: "language", active: "active" };
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || !cols[k]) continue;
    values.push(v);
    sets.push(`${cols[k]} = $${values.length}`);
  }
  values.push(id);
  const { rows } = await q.query<Row>(
    `update users set ${sets.concat("updated_at = now()").join(", ")} where id = $${values.length} returning *`,
    values,
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(q: Queryable, filter: { unitId?: string; role?: Role } = {}): Promise<UserRecord[]> {
  const { rows } = await q.query<Row>(
    "select * from users where ($1::text is null or unit_id = $1) and ($2::text is null or role = $2) order by email",
    [filter.unitId ?? null, filter.role ?? null],
  );
  return rows.map(toUser);
}

export async function countAdmins(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>("select count(*)::int as n from users where role = 'jsc_admin' and active");
  return rows[0]!.n;
}

export async function insertSession(q: Queryable, s: { tokenHash: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
  await q.query("insert into sessions (token_hash, user_id, csrf_token, expires_at) values ($1,$2,$3,$4)", [
    s.tokenHash,
    s.userId,
    s.csrfToken,
    s.expiresAt,
  ]);
}

export async function findSession(q: Queryable, tokenHash: string, now: Date) {
  const { rows } = await q.query<Row & { csrf_token: string; expires_at: Date }>(
    `select u.*, s.csrf_token, s.expires_at from sessions s join users u on u.id = s.user_id
     where s.token_hash = $1 and s.expires_at > $2 and u.active`,
    [tokenHash, now],
  );
  const r = rows[0];
  return r ? { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
}

export async function deleteSession(q: Queryable, tokenHash: string): Promise<void> {
  await q.query("delete from sessions where token_hash = $1", [tokenHash]);
}

/** Counts a failed login in a fixed window; returns the failures in the current window. */
export async function recordLoginFailure(q: Queryable, key: string, now: Date, windowMs: number): Promise<number> {
  const { rows } = await q.query<{ failures: number }>(
    `insert into login_attempts (key, window_start, failures) values ($1, $2, 1)
     on conflict (key) do update set
       failures = case when login_attempts.window_start < $2::timestamptz - make_interval(secs => $3) then 1 else login_attempts.failures + 1 end,
       window_start = case when login_attempts.window_start < $2::timestamptz - make_interval(secs => $3) then $2 else login_attempts.window_start end
     returning failures`,
    [key, now, windowMs / 1000],
  );
  return rows[0]!.failures;
}

export async function loginFailures(q: Queryable, key: string, now: Date, windowMs: number): Promise<number> {
  const { rows } = await q.query<{ failures: number }>(
    "select failures from login_attempts where key = $1 and window_start >= $2::timestamptz - make_interval(secs => $3)",
    [key, now, windowMs / 1000],
  );
  return rows[0]?.failures ?? 0;
}

export async function clearLoginFailures(q: Queryable, key: string): Promise<void> {
  await q.query("delete from login_attempts where key = $1", [key]);
}
