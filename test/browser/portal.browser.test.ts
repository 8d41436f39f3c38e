/**
 * The Balai Warga portal in a real browser (Debian Chromium via playwright-core) against the whole
 * product on a fresh database: languages, a report with a pin, its public page without personal data,
 * the duplicate offer before a second similar report, and screenshots at desktop and phone widths.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACES, startTestApp, uploadPhoto, type TestApp } from "../harness.ts";
import { launchBrowser, screenshot } from "./browser.ts";

const CONTACT = { name: "Siti Rahmawati Contoh", email: "siti.rahasia@example.com" };

let app: TestApp;
let browser: Browser;
let base: string;
const cspViolations: string[] = [];

async function newPage(width: number, at: { lat: number; lon: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width, height: width < 500 ? 800 : 900 },
    geolocation: { latitude: at.lat, longitude: at.lon },
    permissions: ["geolocation"],
    locale: "id-ID",
  });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return { context, page };
}

/** The map loads lazily; wait until it is drawn or has said it cannot be (no WebGL). */
async function mapSettled(page: Page): Promise<boolean> {
  await page.locator('[data-testid="map"][data-ready="true"], .map-note[role=alert]').first().waitFor({ timeout: 15_000 });
  return (await page.getByTestId("map").getAttribute("data-ready")) === "true";
}

async function fillReport(page: Page, description: string) {
  await page.getByTestId("description").fill(description);
  await page.getByTestId("locate").click();
  await expect.poll(() => page.getByTestId("pin").textContent()).toMatch(/-6\.\d+, 106\.\d+/);
}

beforeAll(async () => {
  if (!fs.existsSync(path.resolve("dist/web/portal/index.html"))) execSync("npx vite build --config web/portal/vite.config.ts", { stdio: "inherit" });
  app = await startTestApp();
  await app.server.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("Balai Warga portal", () => {
  it("speaks Indonesian, then English after the switch (kept across reloads)", async () => {
    const { context, page } = await newPage(1280, PLACES.monas);
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByTestId("submit-report").textContent()).toBe("Kirim laporan");
    expect(await page.getAttribute("html", "lang")).toBe("id");
    await expect.poll(() => page.locator("select[data-testid=category] option").count()).toBeGreaterThan(5);
    await page.getByTestId("lang-switch").click();
    await expect.poll(() => page.getByTestId("submit-report").textContent()).toBe("Send report");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await page.reload();
    await expect.poll(() => page.getByTestId("submit-report").textContent()).toBe("Send report");
    await page.getByTestId("lang-switch").click();
    await expect.poll(() => page.getByTestId("submit-report").textContent()).toBe("Kirim laporan");
    await context.close();
  });

  it("takes a report with a pin, shows its ticket, and its public page is red and free of personal data; a second similar report is offered the first", async () => {
    const { context, page } = await newPage(1280, PLACES.monas);
    await page.goto(`${base}/`);
    const mapDrawn = await mapSettled(page);
    await screenshot(page, "portal-home-1280");

    await page.getByTestId("description").fill("Jalan berlubang besar di depan halte dekat Monas, motor sering terjatuh");
    if (mapDrawn) {
      // a pin dropped by tapping the map
      await page.getByTestId("map").click({ position: { x: 200, y: 120 } });
      await expect.poll(() => page.getByTestId("pin").textContent()).toMatch(/-6\.\d+, 106\.\d+/);
    }
    await page.getByTestId("locate").click(); // then moved to "my location" (Monas)
    await expect.poll(() => page.getByTestId("pin").textContent()).toContain("-6.17540");
    await page.getByTestId("contact-name").fill(CONTACT.name);
    await page.getByTestId("contact-email").fill(CONTACT.email);
    await page.getByTestId("submit-report").click();
    const ticketEl = page.getByTestId("ticket");
    await ticketEl.waitFor({ timeout: 15_000 });
    const ticket = (await ticketEl.textContent())!.trim();
    expect(ticket).toMatch(/^[A-Z]+-\d{6}-\d+$/);
    await screenshot(page, "portal-submitted-1280");

    await page.getByRole("link", { name: "Lihat status laporan" }).click();
    await page.waitForURL(`${base}/laporan/${ticket}`);
    const label = page.getByTestId("status-label");
    await label.waitFor();
    expect(await label.getAttribute("data-colour")).toBe("red");
    await expect.poll(() => page.getByTestId("timeline-item").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("kelurahan").textContent()).toBe("Gambir");
    const html = await page.content();
    expect(html).not.toContain(CONTACT.email);
    expect(html).not.toContain(CONTACT.name);
    expect(html).not.toContain("Siti");
    await screenshot(page, "portal-track-1280");

    // a deep link works too (server answers /laporan/{ticket} with the portal)
    await page.goto(`${base}/laporan/${ticket}`);
    expect(await page.getByTestId("status-label").getAttribute("data-colour")).toBe("red");

    // a neighbour reports the same hole: the portal offers the first report before submitting
    await page.goto(`${base}/`);
    await fillReport(page, "Ada jalan berlubang besar di depan halte Monas, banyak motor terjatuh");
    await page.getByTestId("submit-report").click();
    const duplicate = page.getByTestId("duplicate").filter({ hasText: ticket });
    await duplicate.waitFor({ timeout: 10_000 });
    await screenshot(page, "portal-duplicates-1280");
    await duplicate.getByTestId("support").click();
    // a fresh database: this is the report's first supporter, so it is counted (not "already")
    await expect.poll(() => duplicate.textContent()).toContain("dukungan Anda tercatat");
    const view = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { supportCount: number };
    expect(view.supportCount).toBe(1);
    await context.close();
  });

  it("fits a 375 px phone", async () => {
    const { context, page } = await newPage(375, PLACES.blokM);
    await page.goto(`${base}/`);
    await mapSettled(page);
    await screenshot(page, "portal-home-375");
    await fillReport(page, "Lampu penerangan jalan mati sejak seminggu di dekat Blok M");
    await page.getByTestId("submit-report").click();
    // if an earlier run's report nearby is offered, send a new one anyway
    await Promise.race([page.getByTestId("ticket").waitFor({ timeout: 15_000 }), page.getByTestId("submit-anyway").waitFor({ timeout: 15_000 }).then(() => page.getByTestId("submit-anyway").click())]);
    await page.getByTestId("ticket").waitFor();
    const ticket = (await page.getByTestId("ticket").textContent())!.trim();
    await screenshot(page, "portal-submitted-375");
    await page.goto(`${base}/laporan/${ticket}`);
    await page.getByTestId("status-label").waitFor();
    await screenshot(page, "portal-track-375");
    // nothing wider than the phone
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await context.close();
  });

  it("lets a citizen dispute a done report, which reopens it (red again)", async () => {
    const created = await app.post("/api/v1/public/reports", { description: "Trotoar rusak di depan kantor pos", category: "jalan_rusak", lat: PLACES.monas.lat + 0.002, lon: PLACES.monas.lon });
    const { ticket } = created.json() as { ticket: string };
    const sudin = await app.officer("agency_officer", "dinas-bina-marga@31.71");
    const validator = await app.officer("validator", "dinas-bina-marga@31.71");
    const act = async (who: typeof sudin, body: Record<string, unknown>) => expect((await app.post(`/api/v1/reports/${ticket}/transitions`, body, who)).statusCode).toBe(200);
    await act(sudin, { action: "take_up" });
    await act(sudin, { action: "submit_follow_up", note: "Trotoar sudah diperbaiki", publicComment: "Sudah diperbaiki", photos: [await uploadPhoto(app, sudin)] });
    await act(validator, { action: "validate", publicComment: "Selesai" });

    const { context, page } = await newPage(1280, PLACES.monas);
    await page.goto(`${base}/laporan/${ticket}`);
    await page.getByTestId("status-label").waitFor();
    expect(await page.getByTestId("status-label").getAttribute("data-colour")).toBe("green");
    await page.getByTestId("dispute-open").click();
    await page.getByTestId("dispute-reason").fill("Trotoarnya rusak lagi");
    await page.getByTestId("dispute-email").fill("warga.lain@example.com");
    await page.getByTestId("dispute-submit").click();
    await expect.poll(() => page.getByTestId("dispute-result").textContent()).toContain("dibuka kembali");
    await expect.poll(() => page.getByTestId("status-label").getAttribute("data-colour")).toBe("red");
    expect(await page.content()).not.toContain("warga.lain@example.com");
    await context.close();
    expect(cspViolations).toEqual([]);
  });
}, 60_000);
