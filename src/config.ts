import path from "node:path";
import type { RateLimits } from "./app/rate-limits.ts";
import type { SenderLimits } from "./app/sender-limits.ts";

/** Configuration from the environment (names in docs/api-contract.md and the README). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicBaseUrl: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  smtpPort: number;
  deploymentDir: string | undefined;
  workerConcurrency: number;
  role: "all" | "api" | "worker";
  logRequests: boolean;
  /** per-sender limits on the channels (INBOUND_REPORTS_PER_SENDER_HOUR, INBOUND_STATUS_PER_SENDER_HOUR) */
  senderLimits: Partial<SenderLimits>;
  /** Open311 posts per key a minute, open-data downloads per address an hour (OPEN311_POSTS_PER_MINUTE, OPEN_DATA_DOWNLOADS_PER_HOUR) */
  rateLimits: Partial<RateLimits>;
  /** raster tiles under the officers' map (MAP_TILE_URL, MAP_TILE_ATTRIBUTION); null = the shipped polygons only */
  mapTiles: MapTiles | null;
  /**
   * TRUST_PROXY: whose X-Forwarded-For to believe for the client address (login, open-data and other limits count by
   * it): "loopback" (default: a reverse proxy on the same machine), "true" (any: only behind a proxy that overwrites
   * the header), "false", or addresses/CIDRs separated by commas.
   */
  trustProxy: boolean | string;
  /** the environment itself, for channel connectors that read their own settings */
  env: NodeJS.ProcessEnv;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const port = Number(env.PORT ?? 3000);
  const roleArg = argv.find((a) => a.startsWith("--role="))?.slice(7) ?? env.ASPIRASI_ROLE ?? "all";
  if (roleArg !== "all" && roleArg !== "api" && roleArg !== "worker") throw new Error(`unknown role ${roleArg} (all, api, worker)`);
  return {
    port,
    host: env.HOST ?? "0.0.0.0",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? "./data"),
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    smtpPort: Number(env.SMTP_PORT ?? 2525),
    deploymentDir: env.DEPLOYMENT_DIR || undefined,
    workerConcurrency: Number(env.WORKER_CONCURRENCY ?? 4),
    role: roleArg,
    logRequests: env.LOG_REQUESTS === "1",
    senderLimits: {
      ...(env.INBOUND_REPORTS_PER_SENDER_HOUR ? { reportsPerHour: positiveInt(env.INBOUND_REPORTS_PER_SENDER_HOUR, "INBOUND_REPORTS_PER_SENDER_HOUR") } : {}),
      ...(env.INBOUND_STATUS_PER_SENDER_HOUR ? { statusRequestsPerHour: positiveInt(env.INBOUND_STATUS_PER_SENDER_HOUR, "INBOUND_STATUS_PER_SENDER_HOUR") } : {}),
    },
    rateLimits: {
      ...(env.OPEN311_POSTS_PER_MINUTE ? { open311PostsPerMinute: positiveInt(env.OPEN311_POSTS_PER_MINUTE, "OPEN311_POSTS_PER_MINUTE") } : {}),
      ...(env.OPEN_DATA_DOWNLOADS_PER_HOUR ? { openDataDownloadsPerHour: positiveInt(env.OPEN_DATA_DOWNLOADS_PER_HOUR, "OPEN_DATA_DOWNLOADS_PER_HOUR") } : {}),
    },
    mapTiles: mapTilesFrom(env),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    env,
  };
}

/** A tile layer: an XYZ URL template ({z}/{x}/{y}, optionally {s} subdomains or {r}) and its attribution. */
export interface MapTiles {
  url: string;
  attribution: string | null;
  /** the Content-Security-Policy source that admits the tile host (img-src, connect-src) */
  cspSource: string;
}

function mapTilesFrom(env: NodeJS.ProcessEnv): MapTiles | null {
  const url = env.MAP_TILE_URL?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    // Placeholders are not part of a valid URL; a subdomain placeholder becomes a wildcard host.
    parsed = new URL(url.replace(/\{s\}/g, "a").replace(/\{[a-z]+\}/gi, "0"));
  } catch {
    throw new Error(`MAP_TILE_URL must be an http(s) URL template such as https://tile.example.org/{z}/{x}/{y}.png, got ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error(`MAP_TILE_URL must use https or http, got ${url}`);
  if (!/\{z\}/.test(url) || !/\{x\}/.test(url) || !/\{y\}/.test(url)) throw new Error(`MAP_TILE_URL needs {z}, {x} and {y} placeholders, got ${url}`);
  const hostTemplate = new URL(url.replace(/\{s\}/g, "subdomainplaceholder").replace(/\{[a-z]+\}/gi, "0")).host;
  const host = hostTemplate.replace(/^[^.]*subdomainplaceholder[^.]*\./, "*.");
  return { url, attribution: env.MAP_TILE_ATTRIBUTION?.trim() || null, cspSource: `${parsed.protocol}//${host}` };
}

function trustProxyFrom(value: string | undefined): boolean | string {
  const v = value?.trim();
  if (!v) return "loopback";
  if (v === "true" || v === "false") return v === "true";
  return v;
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}
