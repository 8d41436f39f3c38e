import "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import type { Language } from "../domain/report.ts";
import { authenticate } from "../app/auth.ts";
import type { AppContext } from "../app/context.ts";

export const SESSION_COOKIE = "aspirasi_session";
export const CSRF_COOKIE = "aspirasi_csrf";
export const CSRF_HEADER = "x-csrf-token";

declare module "fastify" {
  interface FastifyRequest {
    actor?: Actor;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves the session cookie to an officer; writes also need the session's CSRF token in the
 * X-CSRF-Token header (a cross-site form cannot read it).
 */
export function officerAuth(ctx: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await authenticate(ctx, token) : null;
    if (!session) throw new DomainError("UNAUTHENTICATED", "log in first");
    if (!SAFE.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== "string" || sent !== session.csrfToken) throw new DomainError("CSRF_FAILED", "missing or wrong X-CSRF-Token header");
    }
    request.actor = session.actor;
  };
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new DomainError("UNAUTHENTICATED", "log in first");
  return request.actor;
}

/** Indonesian first: ?lang=en or an Accept-Language that prefers English switches. */
export function languageOf(request: FastifyRequest): Language {
  const q = (request.query as Record<string, unknown> | undefined)?.lang;
  if (q === "en" || q === "id") return q;
  const accept = request.headers["accept-language"] ?? "";
  const first = accept.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "id";
}
