/**
 * Category suggestions for the portal's form: the deployment's classifier's top guesses for a text,
 * named in the asked language, and the contract's 400 for a text too short or too long.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./harness.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(async () => {
  await app?.close();
});

interface Suggestions {
  items: { code: string; name: string; confidence: number }[];
}

const suggest = (text: string, lang?: string) => app.get(`/api/v1/public/category-suggestions?${new URLSearchParams({ text, ...(lang ? { lang } : {}) })}`);

function expectError(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
}

describe("GET /api/v1/public/category-suggestions", () => {
  it("suggests the damaged-road category first for a pothole, in Indonesian by default", async () => {
    const res = await suggest("Jalan berlubang besar dan aspal rusak parah, motor sering jatuh");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Suggestions;
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(3);
    expect(body.items[0]!.code).toBe("jalan_rusak");
    expect(body.items[0]!.name).toMatch(/Jalan/);
    // best first, each above the floor
    for (let i = 1; i < body.items.length; i++) expect(body.items[i]!.confidence).toBeLessThanOrEqual(body.items[i - 1]!.confidence);
    for (const item of body.items) expect(item.confidence).toBeGreaterThanOrEqual(0.15);
    expect(res.headers["cache-control"]).toContain("max-age");
  });

  it("names the categories in English when asked, and reads rubbish as rubbish", async () => {
    const res = await suggest("Tumpukan sampah menggunung di pinggir kali, bau busuk sekali", "en");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Suggestions;
    expect(body.items[0]?.code).toBe("sampah");
    const id = (await suggest("Tumpukan sampah menggunung di pinggir kali, bau busuk sekali")).json() as Suggestions;
    expect(body.items[0]!.name).not.toBe(id.items[0]!.name);
  });

  it("offers nothing for a text without known words", async () => {
    const res = await suggest("qqqq zzzz xxxx");
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Suggestions).items).toEqual([]);
  });

  it("refuses a text shorter than 3 or longer than 2000 characters, or missing", async () => {
    expectError(await suggest("ab"), 400);
    expectError(await suggest("   a  "), 400);
    expectError(await suggest("jalan ".repeat(400)), 400);
    expectError(await app.get("/api/v1/public/category-suggestions"), 400);
    expectError(await app.get("/api/v1/public/category-suggestions?text=jalan%20rusak&foo=1"), 400);
    expectError(await suggest("jalan \u0007 rusak"), 400);
    expectError(await suggest("jalan rusak", "fr"), 400);
  });
});
