/**
 * Accessibility in real Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) on the main screens of the
 * portal and the officer workspace (the public list, the triage desk, the validation queue, the map and the
 * administration screens included), in Indonesian and English, at desktop and phone widths. A
 * serious or critical violation fails the test with the rule, its help text and the elements.
 */
import { createRequire } from "node:module";
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, PLACES, type TestApp } from "../harness.ts";
import { startBrowserApp } from "./browser.ts";

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PASSWORD = "officer-password-1";

let app: TestApp;
let browser: Browser;
let base: string;
let ticket: string;

beforeAll(async () => {
  ({ app, base, browser } = await startBrowserApp());
  const res = await app.server.inject({
    method: "POST",
    url: "/api/v1/public/reports",
    payload: { description: "Lampu jalan mati di depan Monas sejak seminggu", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: { name: "Rina", email: "rina@example.com" } },
  });
  expect(res.statusCode).toBe(201);
  ticket = (res.json() as { ticket: string }).ticket;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface Violation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }

/** Runs axe on the page as it is now; answers the serious and critical violations, readable. */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }).then((r) => r.violations)`)) as Violation[];
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}`);
}

async function open(locale: string, width: number): Promise<Page> {
  // axe is injected by the test: the pages' CSP would refuse it, as it should refuse any script
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

describe("accessibility (axe-core, WCAG 2.1 A/AA)", () => {
  for (const [locale, width] of [["id-ID", 1280], ["en-US", 375]] as const) {
    it(`the portal's report form and track page (${locale}, ${width} px)`, { timeout: 60_000 }, async () => {
      const page = await open(locale, width);
      await page.goto(base + "/");
      await page.getByTestId("description").waitFor();
      expect(await violations(page)).toEqual([]);
      await page.goto(`${base}/laporan/${ticket}`);
      await page.getByText(ticket).first().waitFor();
      expect(await violations(page)).toEqual([]);
      await page.goto(`${base}/laporan`);
      await page.getByText(ticket).first().waitFor();
      expect(await violations(page)).toEqual([]);
      // the check itself can fail: an unlabelled field and an image without text are found
      await page.evaluate(`document.querySelector("main").insertAdjacentHTML("beforeend", '<input type="text"><img src="/x.png">')`);
      expect((await violations(page)).map((v) => v.split(" ")[0])).toEqual(expect.arrayContaining(["image-alt", "label"]));
      await page.context().close();
    });

    it(`the officer's login, inbox and report page (${locale}, ${width} px)`, { timeout: 60_000 }, async () => {
      const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001", `Lurah Gambir ${locale}`);
      const page = await open(locale, width);
      await page.goto(base + "/officer/");
      await page.getByTestId("login-email").waitFor();
      expect(await violations(page)).toEqual([]);
      await page.getByTestId("login-email").fill(lurah.email);
      await page.getByTestId("login-password").fill(PASSWORD);
      await page.getByTestId("login-submit").click();
      const row = page.locator(`[data-testid=inbox-row][data-ticket="${ticket}"]`);
      await row.waitFor();
      expect(await violations(page)).toEqual([]);
      await page.goto(`${base}/officer/laporan/${ticket}`);
      await page.getByTestId("report-page").waitFor();
      expect(await violations(page)).toEqual([]);
      await page.context().close();
    });

    it(`the administrator's triage desk, validation queue, map and administration (${locale}, ${width} px)`, { timeout: 90_000 }, async () => {
      const page = await open(locale, width);
      await page.goto(base + "/officer/");
      await page.getByTestId("login-email").fill(ADMIN.email);
      await page.getByTestId("login-password").fill(ADMIN.password);
      await page.getByTestId("login-submit").click();
      await page.getByTestId("login-submit").waitFor({ state: "detached" });
      for (const path of ["triase", "validasi", "peta", "admin/users", "admin/categories", "admin/holidays", "admin/dead-letters"]) {
        await page.goto(`${base}/officer/${path}`);
        await page.locator("main h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        expect(await violations(page), path).toEqual([]);
      }
      await page.context().close();
    });
  }
});
