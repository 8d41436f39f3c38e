import { describe, expect, it } from "vitest";
import { classifyStatus, parseRetryAfter, redact, truncateText } from "./http-delivery.ts";

describe("http delivery helpers", () => {
  it("reads Retry-After as seconds or an HTTP date, capped at a day", () => {
    const now = Date.parse("2026-04-12T08:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("Sun, 12 Apr 2026 08:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sun, 12 Apr 2026 07:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("9999999", now)).toBe(24 * 3600_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it.each([
    [429, "rate_limited"],
    [401, "auth_revoked"],
    [403, "auth_revoked"],
    [408, "temporary"],
    [500, "temporary"],
    [503, "temporary"],
    [400, "malformed"],
    [404, "malformed"],
    [422, "malformed"],
    [302, "malformed"],
  ] as const)("HTTP %i is %s", (status, kind) => {
    expect(classifyStatus("x", status, new Headers(), "").kind).toBe(kind);
  });

  it("masks e-mail addresses and phone numbers in provider texts", () => {
    expect(redact("The 'To' number +62 812-3456-7890 is not valid; <siti.aminah@example.id> rejected")).toBe(
      "The 'To' number [number] is not valid; <[email]> rejected",
    );
    expect(redact("code 21211 and 4.3.0")).toBe("code 21211 and 4.3.0");
    expect(redact("connect ECONNREFUSED 127.0.0.1:2525")).toBe("connect ECONNREFUSED 127.0.0.1:2525");
    expect(redact("a".repeat(500))).toHaveLength(200);
  });

  it("truncates without splitting a surrogate pair", () => {
    expect(truncateText("short", 10)).toBe("short");
    expect(truncateText("abcdefghij", 5)).toBe("abcd…");
    expect(truncateText("abc🙏def", 5)).toBe("abc…");
  });
});
