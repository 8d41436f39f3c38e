/**
 * The dashboard screens in real Chromium against the built app (dist/web/officer): an executive lands
 * on Dasbor; with a known small history (one report coordinated to another unit, one reopened after a
 * dispute, one at the triage desk) the red breakdown shows those numbers and the "coordination" number
 * opens the inbox listing exactly that report; the rankings explain their method; the summary shows its
 * figures and its PDF answers application/pdf. Screenshots at 1280 (and 375 for Dasbor).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACES, uploadPhoto, type Officer, type TestApp } from "../harness.ts";
import { screenshot, signIn, startBrowserApp, watchedPage } from "./browser.ts";

const GAMBIR = "kel-31.71.01.1001";
const PASSWORD = "officer-password-1"; // the harness's password for every officer it creates

let app: TestApp;
let browser: Browser;
let base: string;
let executive: Officer;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const t = {} as Record<"coordinated" | "reopened" | "triage", string>;

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  ({ app, base, browser } = await startBrowserApp(["officer"]));
  executive = await app.officer("executive", null, "Ibu Pimpinan");
  const lurah = await app.officer("kelurahan_officer", GAMBIR);
  const validator = await app.officer("validator", GAMBIR);

  // one coordinated to another unit
  t.coordinated = await submit({ description: "Jalan berlubang di depan kantor kelurahan", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  await act(lurah, t.coordinated, { action: "take_up" });
  await act(lurah, t.coordinated, { action: "coordinate", unit: "dinas-bina-marga", reason: "Jalan provinsi", publicComment: "Dikoordinasikan ke Dinas Bina Marga" });
  // one done, then reopened after the reporter's neighbour disputes it
  t.reopened = await submit({ description: "Pagar balai warga roboh", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  await act(lurah, t.reopened, { action: "take_up" });
  const photo = await uploadPhoto(app, lurah);
  await act(lurah, t.reopened, { action: "submit_follow_up", note: "Sudah diperbaiki", publicComment: "Sudah diperbaiki", photos: [photo] });
  await act(validator, t.reopened, { action: "validate", publicComment: "Selesai" });
  const dispute = await app.post(`/api/v1/public/reports/${t.reopened}/disputes`, { reason: "Pagarnya roboh lagi", contact: { email: "tetangga.pagar@example.com" } });
  expect(dispute.statusCode, dispute.body).toBe(201);
  // one nobody could place: it waits at the triage desk
  t.triage = await submit({ description: "Tolong dicek, sudah dua minggu tidak ada perubahan" });
  const admin = await app.admin();
  const states = await Promise.all(Object.values(t).map(async (ticket) => ((await app.get(`/api/v1/reports/${ticket}`, admin)).json() as { state: string }).state));
  expect(states).toEqual(["coordination", "waiting", "triage"]);
}, 180_000);

afterAll(async () => {
  if (pageErrors.length) console.error("[page errors]", pageErrors);
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.close();
});

const newPage = (): Promise<Page> => watchedPage(browser, { contexts, pageErrors, timeoutMs: 20_000 });

const login = (page: Page, officer: Officer) => signIn(page, base + "/officer/", officer.email, PASSWORD);

const redNumber = async (page: Page, key: string) => (await page.getByTestId(`dash-red-${key}-link`).textContent())?.trim();

describe("the dashboard screens in Chromium", () => {
  let page: Page;

  it("an executive lands on Dasbor; the red breakdown tells coordinated from reopened from triage, and each number opens its list", async () => {
    page = await newPage();
    await login(page, executive);
    await page.getByRole("heading", { level: 1, name: "Dasbor" }).waitFor();
    expect(await page.getByTestId("nav-dashboard").getAttribute("aria-current")).toBe("page");
    await page.getByTestId("dash-red").waitFor();
    expect(await page.getByTestId("dash-red").textContent()).toContain("Dalam koordinasi ke unit lain");
    expect(await redNumber(page, "coordination")).toBe("1");
    expect(await redNumber(page, "reopened")).toBe("1");
    expect(await redNumber(page, "triage")).toBe("1");
    expect(await redNumber(page, "waiting")).toBe("0");
    expect(await redNumber(page, "disposition")).toBe("0");
    expect((await page.getByTestId("dash-total-red-link").textContent())?.trim()).toBe("3");
    // wait for the map before the screenshots
    await page.locator("[data-testid=dash-map][data-ready=true]:not([data-features='0'])").waitFor();
    await page.locator("[data-testid=dash-map][data-idle=true]").waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, "officer-dashboard-1280");
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(400);
    await screenshot(page, "officer-dashboard-375");
    expect((await page.evaluate("document.documentElement.scrollWidth")) as number, "Dasbor scrolls sideways at 375 px").toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });

    // an area picked from the table (the keyboard route to the map) shows its numbers and its list
    await page.getByText("Tabel wilayah").click();
    await page.locator("[data-testid=dash-area-pick][data-code='31.71.01']").click();
    const areaTotal = page.getByTestId("dash-area-total");
    expect((await areaTotal.textContent())?.trim()).toBe("2"); // the triage report has no place yet
    expect(await areaTotal.getAttribute("href")).toMatch(/^\/officer\/kotak-masuk\?.*kelurahan=31\.71\.01/);

    // the coordination number is a link to the inbox listing exactly that report
    await page.getByTestId("dash-red-coordination-link").click();
    await page.waitForURL(/\/officer\/kotak-masuk\?/);
    expect(new URL(page.url()).searchParams.get("redReason")).toBe("coordination");
    await page.locator(`[data-testid=inbox-row][data-ticket="${t.coordinated}"]`).waitFor();
    const tickets = await page.getByTestId("inbox-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-ticket")));
    expect(tickets).toEqual([t.coordinated]);
    // and the inbox offers its current list as CSV
    const csv = await page.getByTestId("inbox-csv").getAttribute("href");
    expect(csv).toMatch(/^\/api\/v1\/reports\.csv\?.*redReason=coordination/);
    // the dashboard's own filter is named above the list, and one button drops it
    await expect.poll(() => page.getByTestId("inbox-dashboard-filter").textContent()).toContain("Dalam koordinasi ke unit lain");
    await screenshot(page, "officer-inbox-from-dashboard-1280");
    await page.getByTestId("inbox-dashboard-clear").click();
    await page.waitForURL((url) => !url.searchParams.has("redReason"));
    expect(await page.getByTestId("inbox-dashboard-filter").count()).toBe(0);
  }, 120_000);

  it("the rankings page explains its method", async () => {
    await page.getByTestId("nav-rankings").click();
    await page.getByRole("heading", { level: 1, name: "Peringkat" }).waitFor();
    const method = page.getByTestId("rank-method");
    await method.waitFor();
    expect((await method.textContent())?.length ?? 0).toBeGreaterThan(40);
    expect(await method.textContent()).toMatch(/Peringkat dihitung/);
    expect(await page.getByTestId("rank-min-volume").textContent()).toMatch(/Volume minimum: \d+/);
    await page.getByTestId("rank-tab-agency").click();
    expect(await page.getByTestId("rank-tab-agency").getAttribute("aria-selected")).toBe("true");
    await method.waitFor();
    await screenshot(page, "officer-rankings-1280");
  }, 60_000);

  it("the summary page shows its figures and its PDF link answers a PDF", async () => {
    await page.getByTestId("nav-summary").click();
    await page.getByRole("heading", { level: 1, name: "Ringkasan" }).waitFor();
    await page.getByTestId("sum-figures").waitFor();
    expect(await page.getByTestId("sum-figures").textContent()).toMatch(/\d/);
    await page.getByTestId("sum-month").check();
    await page.getByTestId("sum-show").click();
    await page.getByTestId("sum-figures").waitFor();
    const href = await page.getByTestId("sum-pdf").getAttribute("href");
    expect(href).toMatch(/^\/api\/v1\/summary\.pdf\?period=month/);
    const pdf = await page.request.get(base + href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toMatch(/^application\/pdf/);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await screenshot(page, "officer-summary-1280");

    // English is the second language: the same screens, in English
    await page.getByTestId("lang-switch").click();
    await page.getByTestId("nav-dashboard").click();
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await page.getByText("Being coordinated to another unit").waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
