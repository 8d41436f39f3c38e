import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../app/outbound.ts";
import { pollDelayMs } from "./lapor-poller.ts";

const MAX = 15 * 60_000;

describe("pollDelayMs: the pause after failed polls", () => {
  it("doubles the interval per failure in a row, up to the maximum", () => {
    const temporary = new DeliveryError("temporary", "HTTP 500");
    expect(pollDelayMs(60_000, 1, temporary, MAX)).toBe(120_000);
    expect(pollDelayMs(60_000, 2, temporary, MAX)).toBe(240_000);
    expect(pollDelayMs(60_000, 10, temporary, MAX)).toBe(MAX);
    expect(pollDelayMs(60_000, 1, new Error("database down"), MAX)).toBe(120_000);
  });

  it("waits at least a rate limit's Retry-After", () => {
    expect(pollDelayMs(60_000, 1, new DeliveryError("rate_limited", "HTTP 429", 600_000), MAX)).toBe(600_000);
    expect(pollDelayMs(60_000, 1, new DeliveryError("rate_limited", "HTTP 429", 1_000), MAX)).toBe(120_000);
  });

  it("a revoked token waits the longest", () => {
    expect(pollDelayMs(60_000, 1, new DeliveryError("auth_revoked", "HTTP 401"), MAX)).toBe(MAX);
  });
});
