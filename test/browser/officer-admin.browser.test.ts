/**
 * The administration screens of the officer workspace in real Chromium (dist/web/officer):
 * the JSC administrator creates a kelurahan officer who can then sign in, changes a category's
 * SLA target (an invalid one is refused with the API's message), adds and removes a holiday,
 * retries a dead-lettered message and requeues a malformed inbound payload. A kelurahan officer
 * is refused. Every section is screenshotted at 1280 and 375 px and may not scroll sideways.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type TestApp } from "../harness.ts";
import { phoneAndDesktopShots, screenshot, signIn, startBrowserApp, watchedPage } from "./browser.ts";

const GAMBIR = "kel-31.71.01.1001";

let app: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ app, base, browser } = await startBrowserApp(["officer"]));
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.close();
});

const newPage = (): Promise<Page> => watchedPage(browser, { contexts, pageErrors });

const login = (page: Page, email: string, password: string, at: string) => signIn(page, base + at, email, password);

const shots = (page: Page, section: string) => phoneAndDesktopShots(page, `officer-admin-${section}`);

async function openSection(page: Page, section: string): Promise<void> {
  await page.getByTestId(`admin-tab-${section}`).click();
  await page.locator(`[data-testid=admin-page][data-section="${section}"]`).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/officer/admin/${section}`);
}

const loginStatus = async (email: string, password: string) =>
  (await app.server.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } })).statusCode;

describe("the officer workspace's administration screens in Chromium", () => {
  it("refuses a kelurahan officer", async () => {
    const lurah = await app.officer("kelurahan_officer", GAMBIR, "Lurah Gambir");
    const page = await newPage();
    await login(page, lurah.email, "officer-password-1", "/officer/admin/users");
    // the workspace (App.tsx guards the screen by role) or AdminPage itself refuses, in words
    await page.getByRole("alert").filter({ hasText: /admin JSC|bukan untuk peran Anda/ }).first().waitFor();
    expect(await page.getByTestId("users-table").count()).toBe(0);
    expect(await page.getByTestId("user-create").count()).toBe(0);
    // and the API says the same
    expect((await app.get("/api/v1/users", lurah)).statusCode).toBe(403);
  }, 60_000);

  it("lets the administrator manage users, units, categories, holidays, dead letters and malformed inbound", async () => {
    const pool = app.running.ctx.pool;
    const page = await newPage();
    await login(page, ADMIN.email, ADMIN.password, "/officer/admin/users");
    await page.locator("[data-testid=admin-page][data-section=users]").waitFor();
    await page.getByRole("heading", { level: 1, name: "Administrasi" }).waitFor();
    const adminRow = page.locator(`[data-testid=user-row][data-email="${ADMIN.email}"]`);
    await adminRow.waitFor();

    // --- users: create a kelurahan officer at Gambir
    const email = `lurah.baru.${Date.now()}@test.local`;
    await page.getByTestId("user-new-name").fill("Siti Lurah Baru");
    await page.getByTestId("user-new-email").fill(email);
    await page.getByTestId("user-new-role").selectOption("kelurahan_officer");
    await page.getByTestId("user-new-unit-search").fill("Gambir");
    await page.getByTestId("user-new-unit").selectOption(GAMBIR);
    await page.getByTestId("user-new-password").fill("password-awal-123");
    // a kelurahan officer without a unit is refused by the API, and the page says so
    await page.getByTestId("user-new-unit").selectOption("");
    await page.getByTestId("user-create").click();
    expect(await page.getByTestId("users-error").textContent()).toContain("needs a unit");
    await page.getByTestId("user-new-unit").selectOption(GAMBIR);
    await page.getByTestId("user-create").click();
    const row = page.locator(`[data-testid=user-row][data-email="${email}"]`);
    await row.waitFor();
    expect(await page.getByTestId("users-status").textContent()).toContain("Siti Lurah Baru");
    expect(await page.getByTestId("users-error").count()).toBe(0);
    expect(await row.getByTestId("user-role").textContent()).toBe("Petugas kelurahan");
    expect(await row.getByTestId("user-unit").textContent()).toContain("Gambir");
    expect(await loginStatus(email, "password-awal-123")).toBe(200);

    // the filter by role narrows the list
    await page.getByTestId("users-filter-role").selectOption("kelurahan_officer");
    await page.getByTestId("users-filter-apply").click();
    await adminRow.waitFor({ state: "detached" });
    await row.waitFor();

    // change the role: an agency role at a kelurahan is refused with the API's words, a PPSU crew is fine
    await row.getByTestId("user-edit").click();
    await page.getByTestId("user-edit-role").selectOption("agency_officer");
    await page.getByTestId("user-save-role").click();
    expect(await page.getByTestId("users-error").textContent()).toContain("agency officers belong");
    await page.getByTestId("user-edit-role").selectOption("ppsu_crew");
    await page.getByTestId("user-save-role").click();
    await row.getByTestId("user-role").getByText("PPSU").waitFor();
    expect(await page.getByTestId("users-error").count()).toBe(0);
    const patched = (await app.get("/api/v1/users?role=ppsu_crew", await app.admin())).json() as { items: Array<{ email: string; unitId: string }> };
    expect(patched.items.find((u) => u.email === email)).toMatchObject({ unitId: GAMBIR });
    await page.getByTestId("user-edit-role").selectOption("kelurahan_officer");
    await page.getByTestId("user-save-role").click();
    await row.getByTestId("user-role").getByText("Petugas kelurahan").waitFor();

    // deactivate (cannot sign in), reactivate, reset the password
    await page.getByTestId("user-toggle-active").click();
    await page.locator(`[data-testid=user-row][data-email="${email}"] [data-active=false]`).waitFor();
    expect(await loginStatus(email, "password-awal-123")).toBe(401);
    await page.getByTestId("user-toggle-active").click();
    await page.locator(`[data-testid=user-row][data-email="${email}"] [data-active=true]`).waitFor();
    await page.getByTestId("user-reset-password-input").fill("sandi-baru-4567");
    await page.getByTestId("user-reset-password").click();
    await page.getByTestId("users-status").getByText(/Kata sandi/).waitFor();
    expect(await loginStatus(email, "password-awal-123")).toBe(401);
    expect(await loginStatus(email, "sandi-baru-4567")).toBe(200);
    await row.getByTestId("user-edit").click(); // close the editor
    await shots(page, "users");

    // the officer signs in through the workspace itself
    const officerPage = await newPage();
    await login(officerPage, email, "sandi-baru-4567", "/officer/");
    await officerPage.getByTestId("login-email").waitFor({ state: "detached" });
    expect(await officerPage.getByTestId("login-submit").count()).toBe(0);

    // --- units (reached with the keyboard: focus lands on the section's heading): search, add one
    await page.getByTestId("admin-tab-units").focus();
    await page.keyboard.press("Enter");
    await page.locator("[data-testid=admin-page][data-section=units]").waitFor();
    await page.waitForFunction("document.activeElement?.id === 'admin-section-title'");
    await page.getByTestId("units-search").fill("Gambir");
    await page.locator(`[data-testid=unit-row][data-unit="${GAMBIR}"]`).waitFor();
    await page.getByTestId("unit-new-id").fill("instansi-uji");
    await page.getByTestId("unit-new-kind").selectOption("external");
    await page.getByTestId("unit-new-name").fill("Instansi Uji Coba");
    await page.getByTestId("unit-create").click();
    await page.getByTestId("units-status").getByText(/Instansi Uji Coba/).waitFor();
    await page.getByTestId("units-search").fill("instansi-uji");
    const newUnit = page.locator('[data-testid=unit-row][data-unit="instansi-uji"]');
    await newUnit.waitFor();
    let units = (await app.get("/api/v1/units")).json() as { items: Array<{ id: string; kind: string; name: string; active: boolean }> };
    expect(units.items.find((u) => u.id === "instansi-uji")).toMatchObject({ kind: "external", name: "Instansi Uji Coba", active: true });
    // rename and deactivate it; focus returns to the row's Edit button
    await newUnit.getByTestId("unit-edit").click();
    await page.getByTestId("unit-edit-name").fill("Instansi Uji Dua");
    await page.getByTestId("unit-edit-active").uncheck();
    await page.getByTestId("unit-save").click();
    await page.getByTestId("unit-save").waitFor({ state: "detached" });
    expect(await newUnit.textContent()).toContain("Instansi Uji Dua");
    expect(await newUnit.textContent()).toContain("Nonaktif");
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe("unit-edit");
    units = (await app.get("/api/v1/units")).json() as typeof units;
    expect(units.items.find((u) => u.id === "instansi-uji")).toMatchObject({ kind: "external", name: "Instansi Uji Dua", active: false });
    await page.getByTestId("units-search").fill("Gambir");
    await page.locator(`[data-testid=unit-row][data-unit="${GAMBIR}"]`).getByTestId("unit-edit").click();
    await shots(page, "units");

    // --- categories: an invalid SLA is refused with the API's message, a valid one persists
    await openSection(page, "categories");
    const cat = page.locator("[data-testid=category-row][data-code=fasilitas_kelurahan]");
    await cat.waitFor();
    const before = Number(await cat.getByTestId("category-resolution").getAttribute("data-days"));
    const target = before + 3;
    await cat.getByTestId("category-edit").click();
    await page.getByTestId("category-first-input").fill(String(target + 10));
    await page.getByTestId("category-resolution-input").fill(String(target));
    await page.getByTestId("category-save").click();
    await page.getByTestId("categories-error").getByText(/first-action target/).waitFor();
    await page.getByTestId("category-error").waitFor();
    await shots(page, "categories-edit");
    await page.getByTestId("category-first-input").fill("1");
    await page.getByTestId("category-save").click();
    await page.getByTestId("categories-status").getByText("Tersimpan.").waitFor();
    expect(await page.getByTestId("categories-error").count()).toBe(0);
    await page.reload();
    await page.locator(`[data-testid=category-row][data-code=fasilitas_kelurahan] [data-testid=category-resolution][data-days="${target}"]`).waitFor();
    const cats = (await app.get("/api/v1/categories")).json() as { items: Array<{ code: string; slaResolutionDays: number; slaFirstActionDays: number }> };
    expect(cats.items.find((c) => c.code === "fasilitas_kelurahan")).toMatchObject({ slaResolutionDays: target, slaFirstActionDays: 1 });
    await shots(page, "categories");

    // --- holidays: add one next year (the year follows), then remove it after confirming
    await openSection(page, "holidays");
    const year = new Date().getFullYear() + 1;
    const date = `${year}-03-04`;
    await page.getByTestId("holiday-date").fill(date);
    await page.getByTestId("holiday-name").fill("Libur Uji Coba");
    await page.getByTestId("holiday-joint").check();
    await page.getByTestId("holiday-add").click();
    const hol = page.locator(`[data-testid=holiday-row][data-date="${date}"]`);
    await hol.waitFor();
    expect(await page.getByTestId("holidays-year").inputValue()).toBe(String(year));
    expect(await hol.textContent()).toContain("Libur Uji Coba");
    const listed = (await app.get(`/api/v1/holidays?year=${year}`)).json() as { items: Array<{ date: string; jointLeave: boolean }> };
    expect(listed.items.find((h) => h.date === date)).toMatchObject({ jointLeave: true });
    await shots(page, "holidays");
    await hol.getByTestId("holiday-remove").click();
    await hol.getByTestId("holiday-remove-confirm").click();
    await hol.waitFor({ state: "detached" });
    await page.getByTestId("holidays-status").getByText(/dihapus/).waitFor();
    const after = (await app.get(`/api/v1/holidays?year=${year}`)).json() as { items: Array<{ date: string }> };
    expect(after.items.some((h) => h.date === date)).toBe(false);

    // --- dead letters: a message the sender gave up on is retried and leaves the list
    const { rows: [dead] } = await pool.query<{ id: string }>(
      `insert into outbox (kind, channel, recipient, template, payload, idempotency_key, status, attempts, last_error)
       values ('citizen_message', 'sms', '{"phone":"+6281200000000"}', 'status_changed', '{}', $1, 'dead', 8, 'SMS gateway refused: invalid number')
       returning id`,
      [`admin-browser-test-${Date.now()}`],
    );
    await openSection(page, "dead-letters");
    const deadRow = page.locator(`[data-testid=dead-row][data-id="${dead!.id}"]`);
    await deadRow.waitFor();
    expect(await deadRow.textContent()).toContain("SMS gateway refused");
    await shots(page, "dead-letters");
    await deadRow.getByTestId("dead-retry").click();
    await deadRow.waitFor({ state: "detached" });
    await page.getByTestId("dead-status").getByText(`#${dead!.id}`).waitFor();
    const { rows: [retried] } = await pool.query<{ status: string }>("select status from outbox where id = $1", [dead!.id]);
    expect(retried!.status).toBe("pending");

    // --- malformed inbound: shown with its error, the raw body viewed, requeued
    const { rows: [bad] } = await pool.query<{ id: string }>(
      `insert into inbound_payloads (channel, payload_hash, body, content_type, status, attempts, error)
       values ('sms', $1, convert_to('{"from":"+62812","text":"rusak <b>', 'UTF8'), 'application/json', 'malformed', 1, 'unexpected end of JSON input')
       returning id`,
      [`hash-${Date.now()}`],
    );
    await openSection(page, "inbound");
    const inRow = page.locator(`[data-testid=inbound-row][data-id="${bad!.id}"]`);
    await inRow.waitFor();
    expect(await inRow.getByTestId("inbound-error").textContent()).toBe("unexpected end of JSON input");
    await inRow.getByTestId("inbound-view").click();
    expect(await page.getByTestId("inbound-body").textContent()).toBe('{"from":"+62812","text":"rusak <b>');
    await shots(page, "inbound");
    await inRow.getByTestId("inbound-requeue").click();
    await inRow.waitFor({ state: "detached" });
    expect(await page.getByTestId("inbound-body").count()).toBe(0);
    const { rows: [requeued] } = await pool.query<{ status: string }>("select status from inbound_payloads where id = $1", [bad!.id]);
    expect(requeued!.status).toBe("pending");

    // --- English
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { level: 1, name: "Administration" }).waitFor();
    await page.getByTestId("admin-tab-dead-letters").getByText("Dead letters").waitFor();
    // the last success follows the language too
    await page.getByTestId("inbound-status").getByText(`Payload #${bad!.id} queued again.`).waitFor();
    await screenshot(page, "officer-admin-inbound-en-1280");

    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  }, 120_000);
});
