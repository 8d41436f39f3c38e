/**
 * Readers for the fields of a partner's JSON payload (Qlue, LAPOR!): each checks the type and
 * throws an Error naming the field, so a payload that breaks the documented shape is stored as
 * malformed with the reason.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Ids are bounded so a hostile payload cannot fill the message records. */
export const MAX_ID_LENGTH = 128;

export function object(value: Json | undefined, what: string): JsonObject {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) throw new Error(`${what} must be a JSON object`);
  return value;
}

export function requiredString(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new Error(`${what}.${key} must be a string`);
  return v;
}

export function optionalString(o: JsonObject, key: string, what: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new Error(`${what}.${key} must be a string`);
  return v;
}

/** An id: a non-empty string without whitespace, or a non-negative integer; bounded in length. */
export function id(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  const s = typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : typeof v === "string" ? v : null;
  if (s === null || !/^\S+$/.test(s) || s.length > MAX_ID_LENGTH) {
    throw new Error(`${what}.${key} must be a non-empty id (string or integer, at most ${MAX_ID_LENGTH} characters)`);
  }
  return s;
}
