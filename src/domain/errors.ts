/**
 * Domain errors carry a stable code; only the HTTP layer maps codes to status numbers.
 * Expected failures are returned as values (Result), not thrown.
 */
export type ErrorCode =
  | "VALIDATION_FAILED"
  | "INVALID_TRANSITION"
  | "FORBIDDEN"
  | "UNAUTHENTICATED"
  | "NOT_FOUND"
  | "REPORT_NOT_FOUND"
  | "UNIT_NOT_FOUND"
  | "CATEGORY_NOT_FOUND"
  | "DISPUTE_NOT_ALLOWED"
  | "CONFLICT"
  /** nobody to answer: the report has no citizen (or channel) a message could reach */
  | "NO_CHANNEL"
  | "RATE_LIMITED"
  | "CSRF_FAILED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: new DomainError(code, message, details),
});
