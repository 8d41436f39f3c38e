/**
 * Test-only: Debian's Chromium driven by playwright-core (which downloads no browser of its own;
 * `.ci/chromium.sh` installs it with apt). Screenshots go to test-artifacts/screenshots/, kept
 * after the run so people can look at them.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { startTestApp, type TestApp } from "../harness.ts";

export const SCREENSHOT_DIR = path.resolve("test-artifacts/screenshots");

function chromiumPath(): string {
  for (const candidate of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new Error("Chromium is not installed: run .ci/chromium.sh (apt-get install chromium)");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * The product listening on a loopback port and a Chromium, for one browser test file. `built` names the web apps
 * the file opens: they must have been built (`npm run build:web`; `npm install` does it).
 */
export async function startBrowserApp(built: ReadonlyArray<"officer" | "portal"> = []): Promise<{ app: TestApp; base: string; browser: Browser }> {
  for (const which of built) {
    const index = path.resolve(`dist/web/${which}/index.html`);
    if (!fs.existsSync(index)) throw new Error(`the ${which === "officer" ? "officer workspace" : "portal"} is not built (${index} is missing): run \`npm run build:web\``);
  }
  const app = await startTestApp();
  await app.server.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
  return { app, base, browser: await launchBrowser() };
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * A page in a fresh context (1280 px, Indonesian unless told, optionally a geolocation): its script errors are
 * collected in `pageErrors`; server faults, missing app assets or API routes and console errors are logged.
 */
export async function watchedPage(
  browser: Browser,
  opts: { contexts: BrowserContext[]; pageErrors: string[]; timeoutMs?: number; locale?: string; at?: { lat: number; lon: number } },
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: opts.locale ?? "id-ID",
    ...(opts.at ? { geolocation: { latitude: opts.at.lat, longitude: opts.at.lon }, permissions: ["geolocation"] } : {}),
  });
  opts.contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(opts.timeoutMs ?? 15_000);
  page.on("pageerror", (err) => opts.pageErrors.push(err.message));
  page.on("response", (res) => {
    if (res.status() >= 500 || (res.status() === 404 && /\/officer\/assets\/|\/api\//.test(res.url()))) console.error(`[browser] ${res.status()} ${res.url()}`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") console.error(`[browser] ${msg.text()}`);
  });
  return page;
}

/** Signs in on the officer workspace's login form at `url` and waits for the form to go. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("login-submit").waitFor({ state: "detached" });
}

/** Screenshots `<name>-1280` and `<name>-375`, then back to 1280 px; nothing may scroll sideways on the phone. */
export async function phoneAndDesktopShots(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(300);
  await screenshot(page, `${name}-375`);
  const overflow = (await page.evaluate("document.documentElement.scrollWidth")) as number;
  expect(overflow, `${name} scrolls sideways at 375 px`).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 900 });
}
