/**
 * The contract every webhook connector passes (test-only code): real samples parse, bad
 * signatures are refused, parsing is deterministic (a redelivery yields the same external ids),
 * and every message is well formed. Each connector's test calls runConnectorContract.
 */
import { describe, expect, it } from "vitest";
import type { InboundMessage, SignedRequest, WebhookConnector } from "./connector.ts";

export interface ContractSample {
  name: string;
  /** a correctly signed request */
  request: SignedRequest;
  contentType: string;
  /** at least this many messages come out of it */
  minMessages?: number;
}

export function runConnectorContract(connector: WebhookConnector, samples: ContractSample[]): void {
  describe(`connector contract: ${connector.channel}`, () => {
    it.each(samples.map((s) => [s.name, s] as const))("accepts the signature of %s", (_name, s) => {
      expect(connector.verify(s.request)).toBe(true);
    });

    it.each(samples.map((s) => [s.name, s] as const))("refuses %s when one byte of the body changes", (_name, s) => {
      const body = Buffer.from(s.request.rawBody);
      const i = Math.floor(body.length / 2);
      body[i] = body[i]! ^ 0x01;
      expect(connector.verify({ ...s.request, rawBody: body })).toBe(false);
    });

    it.each(samples.map((s) => [s.name, s] as const))("refuses %s without its signature headers", (_name, s) => {
      const headers = Object.fromEntries(Object.entries(s.request.headers).filter(([k]) => !/signature/i.test(k)));
      expect(connector.verify({ ...s.request, headers })).toBe(false);
    });

    it.each(samples.map((s) => [s.name, s] as const))("parses %s into well-formed messages, the same ones twice", async (_name, s) => {
      const first = await connector.parse(s.request.rawBody, s.contentType);
      const again = await connector.parse(Buffer.from(s.request.rawBody), s.contentType);
      expect(first.length).toBeGreaterThanOrEqual(s.minMessages ?? 1);
      expect(again.map((m) => m.externalId)).toEqual(first.map((m) => m.externalId));
      for (const m of first) expectWellFormed(m, connector.channel);
    });

    it("refuses to parse garbage with an error, not a crash of the process", async () => {
      await expect(async () => connector.parse(Buffer.from("\u0000\u0001not a payload{{{"), "application/octet-stream")).rejects.toThrow();
    });
  });
}

function expectWellFormed(m: InboundMessage, channel: string): void {
  expect(m.channel).toBe(channel);
  expect(m.externalId).toMatch(/\S/);
  expect(m.externalId.length).toBeLessThanOrEqual(300);
  expect(["message", "status_request", "rating", "ignored"]).toContain(m.kind);
  expect(m.sender.kind).toMatch(/\S/);
  expect(m.sender.value).toMatch(/\S/);
  expect(typeof m.text).toBe("string");
  expect(Array.isArray(m.attachments)).toBe(true);
  if (m.location) {
    expect(Math.abs(m.location.lat)).toBeLessThanOrEqual(90);
    expect(Math.abs(m.location.lon)).toBeLessThanOrEqual(180);
  }
}
