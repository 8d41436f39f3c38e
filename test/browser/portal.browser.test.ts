/**
 * The Balai Warga portal in a real browser (Debian Chromium via playwright-core) against the whole
 * product on a fresh database: languages, a category picked from the classifier's suggestions, a report with
 * a pin, its public page without personal data, following it by e-mail (the confirmation link's page), the
 * public list and map with their filters and paging, the duplicate offer before a second similar report,
 * and screenshots at desktop and phone widths.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/app/deliver-outbox.ts";
import { PLACES, RecordingSender, uploadPhoto, type TestApp } from "../harness.ts";
import { screenshot, startBrowserApp } from "./browser.ts";

const CONTACT = { name: "Siti Rahmawati Contoh", email: "siti.rahasia@example.com", phone: "081299887766" };

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

/** Nothing that identifies a reporter may be anywhere on a public page. */
async function expectNoIdentity(page: Page) {
  const html = await page.content();
  for (const secret of [CONTACT.email, CONTACT.name, "Siti", CONTACT.phone]) expect(html).not.toContain(secret);
}

/** The token of the last confirmation mail queued for an address (the link /langganan/{token} it carries). */
/** The confirmation link's token, from the mail the relay sends (the queued row holds no token). */
async function confirmationToken(email: string): Promise<string> {
  const mail = new RecordingSender();
  await drainOutbox(app.running.ctx, new Map([["email", mail]]));
  const sent = mail.sent.filter((m) => m.template === "subscription_confirm" && m.citizen.email === email).at(-1);
  const token = /\/langganan\/([A-Za-z0-9_-]{43})\b/.exec(sent?.text ?? "")?.[1];
  expect(token, `no confirmation mail sent to ${email}`).toBeTruthy();
  return token!;
}

let firstTicket = "";

/**
 * Clicks the middle of the reports map, where the only point is once the map has fitted itself to it, until
 * its popup opens (the point is drawn once the map's worker has tiled the data).
 */
async function openCentrePopup(page: Page) {
  const map = page.getByTestId("reports-map");
  const popup = page.getByTestId("map-popup");
  await map.scrollIntoViewIfNeeded();
  await expect.poll(async () => {
    if ((await popup.count()) === 0) {
      const box = (await map.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    }
    return popup.count();
  }, { timeout: 15_000, interval: 750 }).toBe(1);
  return popup;
}

async function fillReport(page: Page, description: string) {
  await page.getByTestId("description").fill(description);
  await page.getByTestId("locate").click();
  await expect.poll(() => page.getByTestId("pin").textContent()).toMatch(/-6\.\d+, 106\.\d+/);
}

beforeAll(async () => {
  if (!fs.existsSync(path.resolve("dist/web/portal/index.html"))) execSync("npx vite build --config web/portal/vite.config.ts", { stdio: "inherit" });
  ({ app, base, browser } = await startBrowserApp());
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
    // the classifier's suggestions appear under the description; one click picks the category
    const chip = page.locator('[data-testid=suggestion][data-code="jalan_rusak"]');
    await chip.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("suggestion").count()).toBeLessThanOrEqual(3);
    await chip.click();
    expect(await page.getByTestId("category").inputValue()).toBe("jalan_rusak");
    expect(await chip.getAttribute("aria-pressed")).toBe("true");
    // "decide automatically" stays a choice, then the suggestion is picked again
    await page.getByTestId("suggestion-auto").click();
    expect(await page.getByTestId("category").inputValue()).toBe("");
    await chip.click();
    expect(await page.getByTestId("category").inputValue()).toBe("jalan_rusak");
    await screenshot(page, "portal-suggestions-1280");
    if (mapDrawn) {
      // a pin dropped by tapping the map
      await page.getByTestId("map").click({ position: { x: 200, y: 120 } });
      await expect.poll(() => page.getByTestId("pin").textContent()).toMatch(/-6\.\d+, 106\.\d+/);
    }
    await page.getByTestId("locate").click(); // then moved to "my location" (Monas)
    await expect.poll(() => page.getByTestId("pin").textContent()).toContain("-6.17540");
    await page.getByTestId("contact-name").fill(CONTACT.name);
    await page.getByTestId("contact-email").fill(CONTACT.email);
    await page.getByTestId("contact-phone").fill(CONTACT.phone);
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
    expect(await page.getByTestId("category-name").textContent()).toBe("Jalan rusak/berlubang");
    await expectNoIdentity(page);
    await screenshot(page, "portal-track-1280");
    firstTicket = ticket;

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

  it("follows a report by e-mail: the form asks to check the inbox, the link's page confirms, then unsubscribes", async () => {
    expect(firstTicket).not.toBe("");
    const subscriber = "pengikut@example.com";
    const { context, page } = await newPage(1280, PLACES.monas);
    await page.goto(`${base}/laporan/${firstTicket}`);
    await page.getByTestId("status-label").waitFor();
    await page.getByTestId("subscribe-email").fill(subscriber);
    await page.getByTestId("subscribe-submit").click();
    await expect.poll(() => page.getByTestId("subscribe-result").textContent()).toContain("periksa kotak masuk");
    await screenshot(page, "portal-subscribe-form-1280");

    const token = await confirmationToken(subscriber);
    await page.goto(`${base}/langganan/${token}`);
    const sub = page.getByTestId("subscription");
    await sub.waitFor();
    expect(await sub.getAttribute("data-status")).toBe("pending");
    expect(await page.getByTestId("subscription-ticket").textContent()).toBe(firstTicket);
    expect(await page.content()).not.toContain(subscriber); // the address is masked
    await screenshot(page, "portal-subscribe-1280");
    await page.getByTestId("subscription-confirm").click();
    await expect.poll(() => sub.getAttribute("data-status")).toBe("active");
    expect(await page.getByTestId("subscription-result").textContent()).toContain("langganan aktif");
    expect(await page.getByTestId("subscription-confirm").count()).toBe(0);
    const { rows } = await app.running.ctx.pool.query<{ status: string }>("select status from report_subscriptions where email = $1", [subscriber]);
    expect(rows.map((r) => r.status)).toEqual(["active"]);
    await screenshot(page, "portal-subscribe-confirmed-1280");

    // English, then unsubscribing from the same page
    await page.getByTestId("lang-switch").click();
    await expect.poll(() => page.getByTestId("subscription-unsubscribe").textContent()).toBe("Unsubscribe");
    await page.getByTestId("subscription-unsubscribe").click();
    await expect.poll(() => sub.getAttribute("data-status")).toBe("unsubscribed");
    expect(await page.getByTestId("subscription-result").textContent()).toContain("not get any more");
    await page.getByTestId("lang-switch").click();

    // an unknown link says so
    await page.goto(`${base}/langganan/${"x".repeat(43)}`);
    await page.getByTestId("subscription-missing").waitFor();

    // at a phone's width
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/laporan/${firstTicket}`);
    await page.getByTestId("subscribe-email").waitFor();
    await page.getByTestId("subscribe-form").scrollIntoViewIfNeeded();
    await screenshot(page, "portal-subscribe-375");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await context.close();
  });

  it("lists the report on the public list and map, with filters, and shows no reporter anywhere", async () => {
    expect(firstTicket).not.toBe("");
    const { context, page } = await newPage(1280, PLACES.monas);
    await page.goto(`${base}/`);
    await page.getByTestId("nav-list").click();
    await page.waitForURL(`${base}/laporan`);
    const card = page.locator(`[data-testid=public-report][data-ticket="${firstTicket}"]`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.getAttribute("data-colour")).toBe("red");
    const text = (await card.textContent())!;
    expect(text).toContain("Jalan rusak/berlubang");
    expect(text).toContain("Gambir");
    expect(text).toContain("Jalan berlubang besar");
    expect(text).toContain("1 dukungan"); // the neighbour's +1 from the duplicate offer
    await page.getByTestId("legend").getByText("Kuning: sedang diproses").waitFor();

    // the map: one point (fitted to it), a click on it opens its popup with a link to the report
    const mapDrawn = await page.locator('[data-testid="reports-map"][data-ready="true"], .map-note[role=alert]').first().waitFor({ timeout: 20_000 })
      .then(async () => (await page.getByTestId("reports-map").getAttribute("data-ready")) === "true");
    if (mapDrawn) {
      await page.getByTestId("filter-category").selectOption("jalan_rusak");
      await expect.poll(() => page.getByTestId("reports-map").getAttribute("data-features")).toBe("1");
      const popup = await openCentrePopup(page);
      expect(await popup.textContent()).toContain(firstTicket);
      await screenshot(page, "portal-list-map-popup-1280");
    }
    await expectNoIdentity(page);
    await screenshot(page, "portal-list-1280");

    // filters reach the API: green hides it, a kelurahan by name and the ticket as keyword find it
    await page.getByTestId("filter-colour").selectOption("green");
    await card.waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("list-status").textContent()).toContain("Tidak ada laporan");
    await page.getByTestId("filter-colour").selectOption("red");
    await page.getByTestId("filter-kelurahan").fill("Gambir");
    await page.getByTestId("filter-apply").click();
    await card.waitFor();
    await page.getByTestId("filter-kelurahan").fill("Tidak Ada Namanya");
    await page.getByTestId("filter-apply").click();
    await page.getByText("tidak dikenal").waitFor();
    await page.getByTestId("filter-kelurahan").fill("");
    await page.getByTestId("filter-q").fill(firstTicket);
    await page.getByTestId("filter-apply").click();
    await card.waitFor();

    if (mapDrawn) {
      // the popup's link opens the report's page
      await (await openCentrePopup(page)).getByRole("link").click();
    } else {
      await card.getByRole("link", { name: firstTicket }).click();
    }
    await page.waitForURL(`${base}/laporan/${firstTicket}`);
    await page.getByTestId("status-label").waitFor();
    // the list is also a deep link, with its filters in the address
    await page.goto(`${base}/laporan?colour=red&kelurahan=${PLACES.monas.kelurahan}`);
    await card.waitFor();
    await expect.poll(() => page.getByTestId("filter-kelurahan").inputValue()).toBe("Gambir");
    expect(await page.getByTestId("filter-colour").inputValue()).toBe("red");
    await page.getByTestId("filter-colour").selectOption("green");
    await card.waitFor({ state: "detached" });
    expect(page.url()).toContain("colour=green");
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

  it("pages the public list with \"Muat lebih banyak\" at 375 px", async () => {
    for (let i = 0; i < 21; i++) {
      const res = await app.post("/api/v1/public/reports", {
        description: `Sampah menumpuk di pinggir jalan nomor ${i + 1}, belum diangkut petugas`,
        category: "sampah",
        lat: PLACES.kotaTua.lat + i * 0.003,
        lon: PLACES.kotaTua.lon + 0.01,
        contact: { name: CONTACT.name, email: CONTACT.email },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const { context, page } = await newPage(375, PLACES.kotaTua);
    await page.goto(`${base}/laporan`);
    const cards = page.getByTestId("public-report");
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(20);
    await page.locator('[data-testid="reports-map"][data-ready="true"], .map-note[role=alert]').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500); // let the points be drawn for the screenshot
    await screenshot(page, "portal-list-375");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    // in English too
    await page.getByTestId("lang-switch").click();
    await expect.poll(() => page.getByTestId("list-more").textContent()).toBe("Load more");
    await page.getByRole("heading", { name: "Citizen reports", level: 1 }).waitFor();
    await page.getByTestId("legend").getByText("Green: done").waitFor();
    await page.getByTestId("lang-switch").click();
    await expect.poll(() => page.getByTestId("list-more").textContent()).toBe("Muat lebih banyak");
    await page.getByTestId("list-more").click();
    await expect.poll(() => cards.count()).toBeGreaterThan(20);
    const tickets = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-ticket")));
    expect(new Set(tickets).size).toBe(tickets.length);
    expect(tickets).toContain(firstTicket);
    await expectNoIdentity(page);
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
}, 120_000);
