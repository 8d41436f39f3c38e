/**
 * The journey in real Chromium against the built officer workspace (dist/web/officer):
 * citizen report -> kelurahan takes it up and coordinates it to a sub-office -> the sub-office
 * accepts and submits a follow-up with a photo -> the validator validates (green) -> a citizen
 * disputes -> red again at the same unit. Also: another kelurahan cannot see it; both languages render.
 * The citizen's side goes through the Balai Warga portal (dist/web/portal) in the same browser.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACES, testJpeg, type Officer, type TestApp } from "../harness.ts";
import { phoneAndDesktopShots, screenshot, signIn, startBrowserApp, watchedPage } from "./browser.ts";

const PASSWORD = "officer-password-1";
const SUDIN = "dinas-bina-marga@31.71";

let app: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ app, base, browser } = await startBrowserApp(["officer", "portal"]));
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await app?.close();
});

const newPage = (at?: { lat: number; lon: number }): Promise<Page> => watchedPage(browser, { contexts, pageErrors, timeoutMs: 10_000, at });

const shots = (page: Page, name: string) => phoneAndDesktopShots(page, `officer-${name}`);

const login = (page: Page, officer: Officer, path = "/officer/") => signIn(page, base + path, officer.email, PASSWORD);

/** Clicks an allowed action, lets `fill` complete its form, submits, and waits for the event on the timeline. */
async function act(page: Page, action: string, event: string, fill?: () => Promise<void>): Promise<void> {
  const before = await page.locator(`[data-testid=timeline] li[data-event=${event}]`).count();
  await page.getByTestId(`action-${action}`).click();
  if (fill) await fill();
  await page.getByTestId("action-submit").click();
  await page.locator(`[data-testid=timeline] li[data-event=${event}]`).nth(before).waitFor();
}

const stateOf = async (page: Page) => {
  const label = page.locator("[data-testid=report-page] [data-testid=state-label]");
  return { colour: await label.getAttribute("data-colour"), text: (await label.textContent())?.trim() };
};

describe("the officer workspace in Chromium", () => {
  it("walks a report from the citizen through coordination, follow-up, validation and a dispute", async () => {
    // The citizen reports on the portal: description, "my location" (Monas), a category, contact.
    const citizen = await newPage(PLACES.monas);
    await citizen.goto(base + "/");
    await citizen.getByTestId("description").fill("Jalan berlubang besar di depan Monas, sudah dua minggu");
    await citizen.getByTestId("locate").click();
    await expect.poll(() => citizen.getByTestId("pin").textContent()).toContain("-6.17540");
    await expect.poll(() => citizen.locator("select[data-testid=category] option").count()).toBeGreaterThan(5);
    await citizen.getByTestId("category").selectOption("fasilitas_kelurahan");
    await citizen.getByTestId("contact-name").fill("Budi Santoso");
    await citizen.getByTestId("contact-email").fill("budi@example.com");
    await citizen.getByTestId("submit-report").click();
    await citizen.getByTestId("ticket").waitFor({ timeout: 15_000 });
    const ticket = (await citizen.getByTestId("ticket").textContent())!.trim();
    expect(ticket).toMatch(/^[A-Z]+-\d{6}-\d+$/);
    await screenshot(citizen, "journey-citizen-submitted-1280");

    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001", "Lurah Gambir");
    const sudin = await app.officer("agency_officer", SUDIN, "Petugas Sudin Bina Marga JP");
    const validator = await app.officer("validator", SUDIN, "Validator Sudin");
    const otherLurah = await app.officer("kelurahan_officer", "kel-31.73.03.1008", "Lurah Lain");

    // The kelurahan officer: login, inbox, report page, take up, coordinate.
    const p1 = await newPage();
    await p1.goto(base + "/officer/");
    await p1.getByTestId("login-email").waitFor();
    await shots(p1, "login");
    // a wrong password shows the API's message
    await p1.getByTestId("login-email").fill(lurah.email);
    await p1.getByTestId("login-password").fill("wrong-password-1");
    await p1.getByTestId("login-submit").click();
    await p1.getByRole("alert").filter({ hasText: "wrong email or password" }).waitFor();
    await login(p1, lurah);
    const row = p1.locator(`[data-testid=inbox-row][data-ticket="${ticket}"]`);
    await row.waitFor();
    expect(await row.getByTestId("state-label").getAttribute("data-colour")).toBe("red");
    expect(await row.textContent()).toContain("Gambir");
    await shots(p1, "inbox");
    // the filters reach the API: green hides it, a search for the ticket finds it
    await p1.getByTestId("filter-colour").selectOption("green");
    await p1.getByTestId("filter-apply").click();
    await row.waitFor({ state: "detached" });
    await p1.getByTestId("filter-colour").selectOption("");
    await p1.getByTestId("filter-q").fill(ticket);
    await p1.getByTestId("filter-apply").click();
    await row.waitFor();

    // English, then back to Bahasa Indonesia
    await p1.getByTestId("lang-switch").click();
    await p1.getByRole("heading", { name: /Inbox/ }).waitFor();
    expect(await p1.locator("html").getAttribute("lang")).toBe("en");
    await screenshot(p1, "officer-inbox-en-1280");
    await p1.getByTestId("lang-switch").click();
    await p1.getByRole("heading", { name: /Kotak masuk/ }).waitFor();

    await row.locator("a").click();
    await p1.getByTestId("report-page").waitFor();
    expect(await stateOf(p1)).toEqual({ colour: "red", text: "Menunggu" });
    expect(await p1.getByTestId("holding-unit").getAttribute("data-unit")).toBe("kel-31.71.01.1001");
    // the lazily loaded map puts a marker at the point (or says why it could not)
    await p1.locator(".maplibregl-marker, [data-testid=map-failed]").first().waitFor();
    await shots(p1, "report");

    await act(p1, "take_up", "taken_up");
    expect((await stateOf(p1)).colour).toBe("yellow");
    await act(p1, "coordinate", "coordinated", async () => {
      await p1.getByTestId("unit-picker").selectOption(SUDIN);
      await p1.getByTestId("action-reason").fill("Jalan kewenangan Bina Marga");
      await p1.getByTestId("action-public-comment").fill("Dikoordinasikan ke Sudin Bina Marga Jakarta Pusat");
    });
    expect(await stateOf(p1)).toMatchObject({ colour: "red", text: "Koordinasi" });
    expect(await p1.getByTestId("action-take_up").count()).toBe(0);

    // The sub-office: accept, then the follow-up with a photo.
    const p2 = await newPage();
    await login(p2, sudin, `/officer/laporan/${ticket}`);
    await p2.getByTestId("report-page").waitFor();
    await act(p2, "accept_coordination", "coordination_accepted");
    expect((await stateOf(p2)).colour).toBe("yellow");
    // an error from the API is shown: a follow-up without a photo is refused
    await p2.getByTestId("action-submit_follow_up").click();
    await p2.getByTestId("action-note").fill("Sudah ditambal");
    await p2.getByTestId("action-submit").click();
    await p2.getByTestId("action-error").waitFor();
    const photoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-browser-")), "tindak-lanjut.jpg");
    fs.writeFileSync(photoFile, await testJpeg());
    await p2.getByTestId("action-note").fill("Lubang sudah ditambal aspal");
    await p2.getByTestId("action-public-comment").fill("Lubang sudah ditambal");
    await p2.getByTestId("follow-up-photo").setInputFiles(photoFile);
    await shots(p2, "follow-up-form");
    await p2.getByTestId("action-submit").click();
    await p2.locator("[data-testid=timeline] li[data-event=follow_up_submitted]").waitFor();
    await p2.getByTestId("photo").first().waitFor();

    // The validator sees the evidence flags and validates.
    const p3 = await newPage();
    await login(p3, validator, `/officer/laporan/${ticket}`);
    await p3.getByTestId("evidence-flags").first().waitFor();
    await p3.getByTestId("action-validate").click();
    await p3.getByTestId("action-public-comment").fill("Sudah diperbaiki");
    await shots(p3, "validation");
    await p3.getByTestId("action-submit").click();
    await p3.locator("[data-testid=timeline] li[data-event=follow_up_validated]").waitFor();
    expect((await stateOf(p3)).colour).toBe("green");

    // The citizen sees green on the report's public page, with the validator's public comment.
    await citizen.getByRole("link", { name: "Lihat status laporan" }).click();
    await citizen.waitForURL(`${base}/laporan/${ticket}`);
    const publicLabel = citizen.getByTestId("status-label");
    await publicLabel.waitFor();
    expect(await publicLabel.getAttribute("data-colour")).toBe("green");
    expect((await publicLabel.textContent())?.trim()).toBe("Selesai");
    await expect.poll(() => citizen.getByTestId("timeline-item").allTextContents()).toContainEqual(expect.stringContaining("Sudah diperbaiki"));
    expect(await citizen.content()).not.toContain("Budi");
    await screenshot(citizen, "journey-citizen-green-1280");

    // A neighbour disputes on the portal: red again at the unit that did the follow-up.
    const neighbour = await newPage();
    await neighbour.goto(`${base}/laporan/${ticket}`);
    await neighbour.getByTestId("status-label").waitFor();
    await neighbour.getByTestId("dispute-open").click();
    await neighbour.getByTestId("dispute-reason").fill("Lubangnya muncul lagi");
    await neighbour.getByTestId("dispute-email").fill("tetangga@example.com");
    await neighbour.getByTestId("dispute-submit").click();
    await expect.poll(() => neighbour.getByTestId("dispute-result").textContent()).toContain("dibuka kembali");
    await expect.poll(() => neighbour.getByTestId("status-label").getAttribute("data-colour")).toBe("red");
    expect(await neighbour.content()).not.toContain("tetangga@example.com");
    const disputed = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { colour: string };
    expect(disputed.colour).toBe("red");
    await p2.reload();
    await p2.locator("[data-testid=timeline] li[data-event=disputed]").waitFor();
    expect((await stateOf(p2)).colour).toBe("red");
    expect(await p2.getByTestId("holding-unit").getAttribute("data-unit")).toBe(SUDIN);
    await p2.getByTestId("action-take_up").waitFor();
    await screenshot(p2, "officer-disputed-1280");

    // Another kelurahan neither sees it in the inbox nor opens it.
    const p4 = await newPage();
    await login(p4, otherLurah);
    await p4.getByRole("heading", { name: /Kotak masuk/ }).waitFor();
    await p4.getByText(/^(Tidak ada laporan\.|\d+ laporan)$/).waitFor(); // the list has loaded
    expect(await p4.locator(`[data-testid=inbox-row][data-ticket="${ticket}"]`).count()).toBe(0);
    await p4.goto(`${base}/officer/laporan/${ticket}`);
    const forbidden = p4.getByTestId("report-error");
    await forbidden.waitFor();
    expect(await forbidden.textContent()).toContain("di luar wilayah kerja");
    await p4.getByTestId("lang-switch").click();
    await p4.getByText("outside your scope").waitFor();

    expect(pageErrors, "uncaught errors in the page").toEqual([]);
  }, 180_000);
});
