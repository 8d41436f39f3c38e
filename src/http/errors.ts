import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DomainError, type ErrorCode } from "../domain/errors.ts";

/** The only place that knows status numbers: domain codes -> HTTP. */
const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_TRANSITION: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  REPORT_NOT_FOUND: 404,
  UNIT_NOT_FOUND: 400,
  CATEGORY_NOT_FOUND: 400,
  DISPUTE_NOT_ALLOWED: 409,
  CONFLICT: 409,
  NO_CHANNEL: 409,
  RATE_LIMITED: 429,
  CSRF_FAILED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
};

/** A broken multipart body is the client's fault: 400 (or 413 when a limit was hit), never a 500. */
export function asMultipartError(err: unknown): Error {
  if (err instanceof DomainError) return err;
  const fe = err as FastifyError;
  if (fe?.statusCode && fe.statusCode < 500) return fe;
  return new DomainError("VALIDATION_FAILED", `malformed multipart body: ${fe?.message ?? String(err)}`);
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** One error handler: domain errors by code, framework errors by status, anything else a logged 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError | Error, request, reply) => {
    if (err instanceof DomainError) {
      return reply.status(STATUS[err.code] ?? 400).send(errorBody(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: v.instancePath || "/", message: v.message }));
      return reply.status(400).send(errorBody("VALIDATION_FAILED", `invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, issues));
    }
    const fe = err as FastifyError;
    const status = fe.statusCode ?? 500;
    if (status === 413 || fe.code === "FST_REQ_FILE_TOO_LARGE" || fe.code === "FST_FILES_LIMIT" || fe.code === "FST_PARTS_LIMIT")
      return reply.status(413).send(errorBody("PAYLOAD_TOO_LARGE", "the request is too large"));
    if (status === 415 || fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      return reply.status(415).send(errorBody("UNSUPPORTED_MEDIA_TYPE", "unsupported content type"));
    if (status === 429) return reply.status(429).send(errorBody("RATE_LIMITED", fe.message));
    if (status >= 400 && status < 500) return reply.status(status).send(errorBody("BAD_REQUEST", fe.message));
    request.log.error({ err }, "unhandled error");
    if (process.env.DEBUG_ERRORS) console.error(err);
    return reply.status(500).send(errorBody("INTERNAL", "internal server error"));
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`)));
}
