import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web");

/** The Balai Warga portal at / and the officer workspace at /officer/. */
export function webRoutes(): FastifyPluginAsyncZod {
  const page = (file: string) => fs.readFileSync(path.join(webDir, file), "utf8");
  const portal = page("portal.html");
  const officer = page("officer.html");
  const csp = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
  return async (app) => {
    app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.type("text/html; charset=utf-8").header("content-security-policy", csp).send(portal));
    app.get("/laporan/:ticket", { schema: { hide: true } }, async (_request, reply) => reply.type("text/html; charset=utf-8").header("content-security-policy", csp).send(portal));
    app.get("/officer", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/officer/"));
    app.get("/officer/", { schema: { hide: true } }, async (_request, reply) => reply.type("text/html; charset=utf-8").header("content-security-policy", csp).send(officer));
  };
}
