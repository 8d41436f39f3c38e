import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

const here = path.dirname(fileURLToPath(import.meta.url));
const legacyDir = path.resolve(here, "../../web");
/** `npm run build:web` (run by `npm install`) writes the apps here. */
const distDir = path.resolve(here, "../../../dist/web");

/**
 * The built apps run no inline script; MapLibre needs blob: workers and data:/blob: images, and the tile
 * server's host (MAP_TILE_URL) when one is configured: tiles are fetched (connect-src) and drawn (img-src).
 */
const appCsp = (extra: readonly string[]) => {
  const more = extra.map((s) => " " + s).join("");
  return `default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:${more}; style-src 'self' 'unsafe-inline'; connect-src 'self'${more}; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`;
};
/** The old single-file pages carry their script inline. */
const legacyCsp = (extra: readonly string[]) => {
  const more = extra.map((s) => " " + s).join("");
  return `default-src 'self'; img-src 'self' data: blob:${more}; connect-src 'self'${more}; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'`;
};

interface Page {
  html: string;
  csp: string;
}

/** The built app's index.html when it exists (re-read after a rebuild), else the old stand-in page. */
function pageLoader(app: "portal" | "officer", legacyFile: string, extraSources: readonly string[]): () => Page {
  const appCspHeader = appCsp(extraSources);
  const index = path.join(distDir, app, "index.html");
  let built: { mtimeMs: number; page: Page } | null = null;
  let legacy: Page | null = null;
  return () => {
    const stat = fs.statSync(index, { throwIfNoEntry: false });
    if (stat) {
      if (built?.mtimeMs !== stat.mtimeMs) built = { mtimeMs: stat.mtimeMs, page: { html: fs.readFileSync(index, "utf8"), csp: appCspHeader } };
      return built.page;
    }
    return (legacy ??= { html: fs.readFileSync(path.join(legacyDir, legacyFile), "utf8"), csp: legacyCsp(extraSources) });
  };
}

const sendPage = (reply: FastifyReply, page: Page) =>
  reply.type("text/html; charset=utf-8").header("content-security-policy", page.csp).header("cache-control", "no-cache").send(page.html);

/** Hashed file names never change content: cache them for a year. */
function immutable(reply: FastifyReply) {
  reply.header("cache-control", "public, max-age=31536000, immutable");
}

/**
 * The Balai Warga portal at / (client routes such as /laporan/{ticket}) with its assets under /assets/,
 * and the officer workspace at /officer/ (assets under /officer/assets/).
 */
export function webRoutes(opts: { extraImageSources?: readonly string[] } = {}): FastifyPluginAsyncZod {
  const portal = pageLoader("portal", "portal.html", opts.extraImageSources ?? []);
  const officer = pageLoader("officer", "officer.html", opts.extraImageSources ?? []);
  return async (app) => {
    for (const [dir, prefix] of [["portal/assets", "/assets/"], ["officer/assets", "/officer/assets/"]] as const) {
      const root = path.join(distDir, dir);
      if (!fs.existsSync(root)) continue;
      await app.register(fastifyStatic, { root, prefix, decorateReply: false, index: false, wildcard: true, setHeaders: immutable, schemaHide: true });
    }
    app.get("/", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, portal()));
    app.get("/laporan/:ticket", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, portal()));
    app.get("/laporan", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, portal()));
    app.get("/langganan/:token", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, portal()));
    app.get("/officer", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/officer/"));
    app.get("/officer/", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, officer()));
    app.get("/officer/*", { schema: { hide: true } }, async (_request, reply) => sendPage(reply, officer()));
  };
}
