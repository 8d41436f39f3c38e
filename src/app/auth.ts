import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Actor, Role } from "../domain/access-policy.ts";
import { normalizeEmail } from "../domain/contact.ts";
import { DomainError } from "../domain/errors.ts";
import {
  clearLoginFailures,
  countAdmins,
  deleteSession,
  findSession,
  findUserByEmail,
  insertSession,
  insertUser,
  loginFailures,
  recordLoginFailure,
} from "../store/users.store.ts";
import type { AppContext } from "./context.ts";

const SESSION_TTL_MS = 12 * 3600_000;
const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES_PER_EMAIL = 5;
const MAX_FAILURES_PER_ADDRESS = 30;

export const hashPassword = (password: string) => hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
// Verifying against this keeps a login for an unknown email as slow as one for a known email.
let dummyHash: Promise<string> | null = null;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export interface SessionInfo {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; role: Role; unitId: string | null; language: "id" | "en" };
}

/** Password login with per-email and per-address rate limits; returns a new session. */
export async function login(ctx: AppContext, email: string, password: string, address: string): Promise<SessionInfo> {
  const now = ctx.now();
  const emailKey = `email:${normalizeEmail(email)}`;
  const addressKey = `addr:${address}`;
  if ((await loginFailures(ctx.pool, emailKey, now, WINDOW_MS)) >= MAX_FAILURES_PER_EMAIL ||
      (await loginFailures(ctx.pool, addressKey, now, WINDOW_MS)) >= MAX_FAILURES_PER_ADDRESS)
    throw new DomainError("RATE_LIMITED", "too many failed logins; try again in 15 minutes");
  const user = await findUserByEmail(ctx.pool, email);
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  const valid = user ? await verify(user.passwordHash, password) : (await verify(await dummyHash, password), false);
  if (!user || !valid || !user.active) {
    await recordLoginFailure(ctx.pool, emailKey, now, WINDOW_MS);
    await recordLoginFailure(ctx.pool, addressKey, now, WINDOW_MS);
    throw new DomainError("UNAUTHENTICATED", "wrong email or password");
  }
  await clearLoginFailures(ctx.pool, emailKey);
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await insertSession(ctx.pool, { tokenHash: sha256(token), userId: user.id, csrfToken, expiresAt });
  return {
    token,
    csrfToken,
    expiresAt,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, unitId: user.unitId, language: user.language },
  };
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  await deleteSession(ctx.pool, sha256(token));
}

/** Resolves a session cookie to the officer behind it. */
export async function authenticate(ctx: AppContext, token: string): Promise<{ actor: Actor; csrfToken: string; user: SessionInfo["user"] } | null> {
  const s = await findSession(ctx.pool, sha256(token), ctx.now());
  if (!s) return null;
  const u = s.user;
  return {
    actor: { userId: u.id, role: u.role, unitId: u.unitId },
    csrfToken: s.csrfToken,
    user: { id: u.id, email: u.email, name: u.name, role: u.role, unitId: u.unitId, language: u.language },
  };
}

/**
 * The first administrator: from ADMIN_EMAIL / ADMIN_PASSWORD, or a generated password that is
 * returned once to be printed. Does nothing when an administrator exists.
 */
export async function ensureFirstAdmin(ctx: AppContext, email: string | undefined, password: string | undefined) {
  if ((await countAdmins(ctx.pool)) > 0) return null;
  const adminEmail = normalizeEmail(email ?? "admin@aspirasi.local");
  const adminPassword = password ?? randomBytes(12).toString("base64url");
  const ref = await ctx.reference.get();
  await insertUser(ctx.pool, {
    id: ctx.newId(),
    email: adminEmail,
    name: "Administrator",
    passwordHash: await hashPassword(adminPassword),
    role: "jsc_admin",
    unitId: ref.units.triageUnit()?.id ?? null,
  });
  return { email: adminEmail, password: password ? null : adminPassword };
}
