/**
 * The officer workspace's work screens in real Chromium against the built app (dist/web/officer):
 * the triage desk routes as triage suggested; a PPSU crew member follows up a task from "Tugas saya"
 * with a photo; the validator validates from the queue; a saved inbox view survives a reload; the map
 * clusters the reports and outlines the officer's area; a duplicate is marked from the report page and
 * a templated reply reaches the timeline. Screenshots at 1280 and 375 px of every screen.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, PLACES, testJpeg, type Officer, type TestApp } from "../harness.ts";
import { phoneAndDesktopShots, signIn, startBrowserApp, watchedPage } from "./browser.ts";

const PASSWORD = "officer-password-1";
const GAMBIR = "kel-31.71.01.1001";

let app: TestApp;
let browser: Browser;
let base: string;
let lurah: Officer;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ app, base, browser } = await startBrowserApp(["officer"]));
  lurah = await app.officer("kelurahan_officer", GAMBIR, "Lurah Gambir");
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.close();
});

const newPage = (): Promise<Page> => watchedPage(browser, { contexts, pageErrors });

const shots = (page: Page, name: string) => phoneAndDesktopShots(page, `officer-${name}`);

const login = (page: Page, email: string, password: string, at = "/officer/") => signIn(page, base + at, email, password);

async function report(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function view(ticket: string, officer: Officer): Promise<{ state: string; category: { code: string } | null; kelurahan: { code: string } | null; holdingUnit: { id: string }; duplicateOf?: string }> {
  const res = await app.get(`/api/v1/reports/${ticket}`, officer);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function transition(ticket: string, officer: Officer, body: Record<string, unknown>): Promise<void> {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
}

describe("the officer workspace's queues in Chromium", () => {
  it("the triage desk routes a report with triage's suggestion in one click", async () => {
    const ticket = await report({ description: "sampah numpuk di gambir bau banget" });
    const spam = await report({ description: "PROMO slot gacor hari ini!!! hubungi wa 0812xxxx bit.ly/gacor" });
    const vague = await report({ description: "Tolong dicek, sudah dua minggu tidak ada perubahan" });
    const admin = await app.admin();
    expect((await view(ticket, admin)).state).toBe("triage");
    expect((await view(spam, admin)).state).toBe("triage");
    expect((await view(vague, admin)).state).toBe("triage");

    const page = await newPage();
    await login(page, ADMIN.email, ADMIN.password);
    // on a phone the menu folds behind a button
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.getByTestId("nav-triage").isVisible()).toBe(false);
    await page.getByTestId("menu-toggle").click();
    expect(await page.getByTestId("menu-toggle").getAttribute("aria-expanded")).toBe("true");
    await page.getByTestId("nav-triage").click();
    await page.getByRole("heading", { name: "Meja triase" }).waitFor();
    expect(await page.getByTestId("nav-triage").isVisible()).toBe(false); // closed again after navigating
    expect(new URL(page.url()).pathname).toBe("/officer/triase");
    await page.setViewportSize({ width: 1280, height: 900 });
    const row = page.locator(`[data-testid=desk-row][data-ticket="${ticket}"]`);
    await row.getByTestId("desk-suggestion").waitFor();
    // the suggestions: the category with its confidence, the place candidate named
    expect(await row.getByTestId("desk-suggestion").textContent()).toMatch(/Sampah.*\(\d+%\)/);
    expect(await row.getByTestId("desk-suggestion").textContent()).toContain("31.71.01.1001");
    const suggested = row.getByTestId("desk-route-suggested");
    expect(await suggested.isEnabled()).toBe(true);
    await shots(page, "triage");

    await suggested.click();
    await page.getByTestId("desk-status").filter({ hasText: `${ticket} diarahkan` }).waitFor();
    await row.waitFor({ state: "detached" });
    const routed = await view(ticket, admin);
    expect(routed).toMatchObject({ state: "waiting", category: { code: "sampah" }, kelurahan: { code: "31.71.01.1001" } });
    expect(routed.holdingUnit.id).not.toBe("jsc-triage");

    // spam is closed as invalid with a word to the reporter
    const spamRow = page.locator(`[data-testid=desk-row][data-ticket="${spam}"]`);
    expect(await spamRow.getByTestId("desk-suggestion").textContent()).toContain("Spam");
    await spamRow.getByTestId("desk-invalid").click();
    await spamRow.getByTestId("desk-invalid-comment").fill("Bukan laporan: promosi");
    await spamRow.getByTestId("desk-close").click();
    await page.getByTestId("desk-status").filter({ hasText: `${spam} ditutup` }).waitFor();
    expect((await view(spam, admin)).state).toBe("closed");

    // without a place, the desk picks category and kelurahan by hand
    const vagueRow = page.locator(`[data-testid=desk-row][data-ticket="${vague}"]`);
    expect(await vagueRow.getByTestId("desk-route-suggested").isDisabled()).toBe(true);
    await vagueRow.getByTestId("desk-manual").click();
    await vagueRow.getByTestId("desk-category").selectOption("fasilitas_kelurahan");
    await vagueRow.getByTestId("desk-kelurahan").fill("31.71.01.1001");
    await vagueRow.getByTestId("desk-route-manual").click();
    await page.getByTestId("desk-status").filter({ hasText: `${vague} diarahkan` }).waitFor();
    expect(await view(vague, admin)).toMatchObject({ state: "waiting", category: { code: "fasilitas_kelurahan" }, holdingUnit: { id: GAMBIR } });
  }, 90_000);

  it("a long triage desk reads only the reports near the screen, the rest as they scroll in", async () => {
    const tickets: string[] = [];
    for (let i = 0; i < 24; i++) tickets.push(await report({ description: `Mohon dicek keluhan warga nomor ${i}, sudah lama belum ada kabar` }));
    const page = await newPage();
    const viewed = new Set<string>();
    page.on("request", (req) => {
      const m = /\/api\/v1\/reports\/([A-Z]+-\d{6}-\d+)\?/.exec(req.url());
      if (m) viewed.add(m[1]!);
    });
    await login(page, ADMIN.email, ADMIN.password);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/officer/triase`);
    await page.locator(`[data-testid=desk-row][data-ticket="${tickets[23]}"]`).getByTestId("desk-suggestion").waitFor();
    await page.waitForTimeout(500);
    const first = viewed.size;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(tickets.length);
    const last = page.locator(`[data-testid=desk-row][data-ticket="${tickets[0]}"]`);
    await last.scrollIntoViewIfNeeded();
    await last.getByTestId("desk-suggestion").waitFor();
    expect(viewed.size).toBeGreaterThan(first);
    expect(viewed.has(tickets[0]!)).toBe(true);
  }, 90_000);

  it("a PPSU crew member follows up a task from Tugas saya; the validator validates it from the queue", async () => {
    const ticket = await report({
      description: "Bangku taman kelurahan patah di dekat Monas",
      lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan",
      contact: { name: "Sari", email: "sari@example.com" },
    });
    const ppsu = await app.officer("ppsu_crew", GAMBIR, "Pak Joko PPSU");
    const validator = await app.officer("validator", "kec-31.71.01", "Validator Gambir");
    await transition(ticket, lurah, { action: "assign", assignee: ppsu.id, note: "Tolong diperbaiki" });

    // the crew lands on their task list, phone first
    const page = await newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await login(page, ppsu.email, PASSWORD);
    await page.getByRole("heading", { name: /Tugas saya/ }).waitFor();
    const card = page.locator(`[data-testid=task-card][data-ticket="${ticket}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain("Gambir");
    expect(new URL(page.url()).pathname).toBe("/officer/");
    // both languages
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { name: /My tasks/ }).waitFor();
    expect(await card.getByTestId("task-follow-up").textContent()).toBe("Submit follow-up");
    await page.getByTestId("lang-switch").click();
    await page.getByRole("heading", { name: /Tugas saya/ }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
    await shots(page, "tasks");

    await card.getByTestId("task-follow-up").click();
    const form = page.locator("[data-testid=action-form][data-action=submit_follow_up]");
    await form.waitFor();
    const photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-queues-")), "bangku.jpg");
    fs.writeFileSync(photo, await testJpeg());
    await page.getByTestId("action-note").fill("Bangku sudah dilas ulang");
    await page.getByTestId("follow-up-photo").setInputFiles(photo);
    await shots(page, "task-follow-up-form");
    await page.getByTestId("action-submit").click();
    await page.locator("[data-testid=timeline] li[data-event=follow_up_submitted]").waitFor();
    expect((await view(ticket, lurah)).state).toBe("awaiting_validation");
    expect(new URL(page.url()).search).toBe("");
    // back on the list the task waits for validation, without the button
    await page.getByTestId("nav-tasks").click();
    await card.waitFor();
    expect(await card.getByTestId("task-follow-up").count()).toBe(0);

    // the validator: the queue shows the photo and its evidence flags inline, validate from there
    const v = await newPage();
    await login(v, validator.email, PASSWORD);
    await v.getByTestId("nav-validation").click();
    const row = v.locator(`[data-testid=validation-row][data-ticket="${ticket}"]`);
    await row.waitFor();
    await row.getByTestId("validation-open").click();
    await row.getByTestId("queue-photo").first().waitFor();
    await row.getByTestId("queue-flags").first().waitFor();
    expect(await row.textContent()).toContain("Bangku sudah dilas ulang");
    await row.getByTestId("queue-validate").click();
    await row.getByTestId("queue-text").fill("Sudah diperbaiki, terima kasih");
    await shots(v, "validation-queue");
    await row.getByTestId("queue-submit").click();
    await v.getByTestId("queue-status").filter({ hasText: `${ticket} divalidasi` }).waitFor();
    await row.waitFor({ state: "detached" });
    expect((await view(ticket, lurah)).state).toBe("done");
  }, 120_000);

  it("a saved view is kept, linkable, and reapplied after a reload", async () => {
    await report({ description: "Lampu taman kelurahan mati total", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan" });
    const page = await newPage();
    await login(page, lurah.email, PASSWORD);
    await page.getByRole("heading", { name: /Kotak masuk/ }).waitFor();
    await page.getByTestId("inbox-row").first().waitFor();

    await page.getByTestId("filter-colour").selectOption("red");
    await page.getByTestId("filter-kelurahan").fill("31.71.01");
    await page.getByTestId("filter-apply").click();
    await page.waitForURL(/colour=red/);
    expect(page.url()).toContain("kelurahan=31.71.01");
    await page.locator("[data-testid=views] summary").click();
    await page.getByTestId("view-name").fill("Merah Gambir");
    await page.getByTestId("view-save").click();
    await page.locator('[data-testid=saved-view][data-name="Merah Gambir"]').waitFor();
    await page.getByTestId("view-status").filter({ hasText: "disimpan" }).waitFor();
    await shots(page, "inbox-views");

    // the URL is the view: a reload keeps the filters
    await page.reload();
    await page.getByTestId("inbox-row").first().waitFor();
    expect(await page.getByTestId("filter-colour").inputValue()).toBe("red");

    // reset, reload, and pick the saved view again
    await page.getByRole("button", { name: "Atur ulang" }).click();
    await page.waitForURL((u) => !u.search.includes("colour"));
    await page.reload();
    expect(await page.getByTestId("filter-colour").inputValue()).toBe("");
    await page.locator("[data-testid=views] summary").click();
    await page.locator('[data-testid=saved-view][data-name="Merah Gambir"]').getByTestId("view-apply").click();
    await page.waitForURL(/colour=red/);
    expect(await page.getByTestId("filter-colour").inputValue()).toBe("red");
    expect(await page.getByTestId("filter-kelurahan").inputValue()).toBe("31.71.01");

    // a quick chip reaches the API: nothing of this unit is in coordination
    await page.getByTestId("chip-coordination").click();
    await page.waitForURL(/state=coordination/);
    await page.getByText("Tidak ada laporan.").waitFor();
    expect(await page.getByTestId("chip-coordination").getAttribute("aria-pressed")).toBe("true");

    // and a view can be deleted
    await page.locator('[data-testid=saved-view][data-name="Merah Gambir"]').getByTestId("view-delete").click();
    await page.locator('[data-testid=saved-view][data-name="Merah Gambir"]').waitFor({ state: "detached" });
  }, 90_000);

  it("the map clusters the reports in colour and outlines the officer's area", async () => {
    // three reports a few metres apart at Monas, one elsewhere in the city
    for (let i = 0; i < 3; i++) {
      await report({ description: `Tempat sampah kelurahan rusak nomor ${i + 1}`, lat: PLACES.monas.lat + i * 0.0002, lon: PLACES.monas.lon, category: "fasilitas_kelurahan" });
    }
    await report({ description: "Trotoar rusak di Kota Tua", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, category: "trotoar_rusak" });

    const page = await newPage();
    await login(page, lurah.email, PASSWORD);
    await page.getByTestId("nav-map").click();
    const map = page.getByTestId("reports-map");
    await map.and(page.locator("[data-ready=true]")).waitFor({ timeout: 30_000 });
    // the lurah sees the Gambir reports only, and Gambir outlined
    expect(Number(await map.getAttribute("data-features"))).toBeGreaterThanOrEqual(3);
    expect(Number(await map.getAttribute("data-scope-features"))).toBe(1);
    expect(await map.getAttribute("data-scope-layer")).toBe("true");
    const cluster = page.getByTestId("map-cluster").first();
    await cluster.waitFor({ timeout: 30_000 });
    expect(Number(await cluster.getAttribute("data-count"))).toBeGreaterThanOrEqual(2);
    expect(await cluster.getAttribute("class")).toMatch(/cluster (red|yellow|green)/);
    await map.and(page.locator("[data-idle=true]")).waitFor({ timeout: 30_000 });
    await shots(page, "map");

    // the administrator sees the whole city outlined
    const admin = await newPage();
    await login(admin, ADMIN.email, ADMIN.password, "/officer/peta");
    const all = admin.getByTestId("reports-map");
    await all.and(admin.locator("[data-ready=true]")).waitFor({ timeout: 30_000 });
    await admin.getByTestId("map-cluster").first().waitFor({ timeout: 30_000 });
    await all.and(admin.locator("[data-idle=true]")).waitFor({ timeout: 30_000 });
    expect(Number(await all.getAttribute("data-scope-features"))).toBeGreaterThan(200);
    expect(Number(await all.getAttribute("data-features"))).toBeGreaterThanOrEqual(4);
    // a click on the lone Kota Tua point opens its ticket and label, linking to the report
    const cfg = (await app.get("/api/v1/config")).json() as { map: { centerLat: number; centerLon: number; zoom: number } };
    const world = 512 * 2 ** cfg.map.zoom;
    const mercY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    const box = (await all.boundingBox())!;
    const x = box.x + box.width / 2 + ((PLACES.kotaTua.lon - cfg.map.centerLon) / 360) * world;
    const y = box.y + box.height / 2 - ((mercY(PLACES.kotaTua.lat) - mercY(cfg.map.centerLat)) / (2 * Math.PI)) * world;
    await admin.mouse.click(x, y);
    const link = admin.getByTestId("map-popup-link");
    await link.waitFor();
    const kotaTua = (await link.textContent())!;
    expect(kotaTua).toMatch(/^JKT-/);
    await link.click();
    await admin.getByTestId("report-page").waitFor();
    expect(await admin.getByTestId("report-ticket").textContent()).toBe(kotaTua);
  }, 120_000);

  it("a duplicate is marked from the report page, and a reply from a template reaches the timeline", async () => {
    const text = "Pohon tumbang menutup jalan di depan kantor kelurahan Gambir";
    const original = await report({ description: text, lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan", contact: { name: "Andi", email: "andi@example.com" } });
    const duplicate = await report({ description: `${text}, tolong segera`, lat: PLACES.monas.lat + 0.0001, lon: PLACES.monas.lon, category: "fasilitas_kelurahan", contact: { name: "Rina", email: "rina@example.com" } });

    const page = await newPage();
    await login(page, lurah.email, PASSWORD, `/officer/laporan/${duplicate}`);
    await page.getByTestId("report-page").waitFor();
    const candidate = page.locator(`[data-testid=dup-candidate][data-ticket="${original}"]`);
    await candidate.waitFor();
    expect(await candidate.textContent()).toMatch(/Kemiripan teks \d+%/);
    expect(await candidate.textContent()).toMatch(/\d+ m/);
    await candidate.getByTestId("dup-mark").click();
    await candidate.getByTestId("dup-confirm").click();
    await page.getByTestId("dup-of").filter({ hasText: original }).waitFor();
    await page.locator("[data-testid=timeline] li[data-event=closed]").waitFor();
    expect((await view(duplicate, lurah)).state).toBe("closed");

    // the original lists it; its reporter is answered from a template
    await page.goto(`${base}/officer/laporan/${original}`);
    await page.locator(`[data-testid=dup-linked-item][data-ticket="${duplicate}"]`).waitFor();
    const templates = page.getByTestId("reply-template");
    await templates.locator("option").nth(1).waitFor({ state: "attached" });
    const firstTemplate = await templates.locator("option").nth(1).getAttribute("value");
    await templates.selectOption(firstTemplate!);
    const box = page.getByTestId("reply-text");
    const filled = await box.inputValue();
    expect(filled.length).toBeGreaterThan(10);
    expect(filled).not.toContain("{ticket}");
    await box.fill(`${filled} Salam, Lurah Gambir.`);
    await page.getByTestId("reply-send").click();
    const sent = page.locator("[data-testid=timeline] li[data-event=outbound_message]").filter({ hasText: "Salam, Lurah Gambir." });
    await sent.waitFor();
    await sent.getByTestId("outbound-status").waitFor();
    await page.getByTestId("report-status").filter({ hasText: "Balasan dikirim" }).waitFor();
    await shots(page, "report-duplicates-reply");

    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  }, 90_000);
});
