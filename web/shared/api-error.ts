/** The API's error shape (`{ error: { code, message } }`), shared by the portal and the officer workspace. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a failed response and its parsed body (or null) into an ApiError. */
export function apiError(res: Response, body: unknown, fallbackCode: string): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ApiError(res.status, error?.code ?? fallbackCode, error?.message ?? res.statusText);
}
