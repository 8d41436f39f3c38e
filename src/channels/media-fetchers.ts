/**
 * How each channel's media is downloaded (the MediaFetcher of src/app/fetch-media.ts), switched on
 * by configuration like the senders; every external base URL is configurable (tests point them at
 * local fakes).
 *
 * - Qlue, Facebook (Messenger CDN), LAPOR!, Twitter: public urls, a plain GET.
 * - SMS (Twilio MMS): HTTP Basic auth with the account SID and auth token, sent only to the Twilio
 *   API's origin (TWILIO_API_BASE_URL); its redirect to the media CDN is followed without it.
 * - WhatsApp (Cloud API): the attachment is `graph-media:<media id>`; GET {GRAPH_API_BASE_URL}/{id}
 *   (the base includes the version, as for the senders) with the bearer token answers a
 *   short-lived url, which is downloaded with the same bearer token.
 *
 * Redirects are followed by hand (at most 3): credentials never leave the origin they are for.
 * Urls that come from payloads reach public addresses only (src/channels/public-address.ts); the
 * configured API origins (Twilio, Graph) are trusted as configured. MEDIA_ALLOW_PRIVATE_ADDRESSES=1
 * lifts that for a partner inside our own network (and for tests against local fakes).
 * Error messages never carry the url (CDN urls hold signatures) nor a response body.
 */
import { fetch, type Dispatcher, type Response } from "undici";
import { MEDIA_DEFAULTS, MediaFetchError, type FetchedMedia, type FetchLimits, type MediaFetcher, type MediaFetchers } from "../app/fetch-media.ts";
import { checkBaseUrl } from "./outbound/http-delivery.ts";
import { isIpLiteral, isPublicAddress, PRIVATE_ADDRESS, publicOnlyDispatcher } from "./public-address.ts";
import { GRAPH_MEDIA_PREFIX } from "./whatsapp/whatsapp.connector.ts";

const MAX_REDIRECTS = 3;
/** The Graph media lookup answers a small JSON object. */
const MAX_LOOKUP_BYTES = 64 * 1024;

/**
 * Where a fetcher may connect: `publicOnly` refuses urls that lead to loopback, private or other
 * non-public addresses, except the `trusted` origins the configuration names.
 */
export interface MediaNetwork {
  publicOnly: boolean;
}

/** The safe default: payload urls reach the public internet only. */
export const PUBLIC_ONLY: MediaNetwork = { publicOnly: true };

/** Public urls: a plain GET. */
export class HttpMediaFetcher implements MediaFetcher {
  constructor(private readonly what: string, private readonly network: MediaNetwork = PUBLIC_ONLY) {}

  fetch(url: string, limits: FetchLimits): Promise<FetchedMedia> {
    return httpGet(this.what, url, { ...limits, network: this.network });
  }
}

/** Twilio MMS media: Basic auth to the Twilio API's origin only. */
export class TwilioMediaFetcher implements MediaFetcher {
  private readonly origin: string;
  private readonly authorization: string;

  private readonly network: MediaNetwork;

  constructor(opts: { baseUrl?: string; accountSid: string; authToken: string; network?: MediaNetwork }) {
    if (!opts.accountSid || !opts.authToken) throw new Error("twilio media: accountSid and authToken are required");
    this.origin = new URL(checkBaseUrl("twilio media", opts.baseUrl ?? "https://api.twilio.com")).origin;
    this.authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`, "utf8").toString("base64")}`;
    this.network = opts.network ?? PUBLIC_ONLY;
  }

  fetch(url: string, limits: FetchLimits): Promise<FetchedMedia> {
    return httpGet("twilio media", url, { ...limits, network: this.network, trustedOrigin: this.origin, credentials: { authorization: this.authorization, origin: this.origin } });
  }
}

/** WhatsApp Cloud API media: resolve the media id, then download with the bearer token. */
export class GraphMediaFetcher implements MediaFetcher {
  private readonly base: string;
  private readonly authorization: string;
  private readonly network: MediaNetwork;

  constructor(opts: { baseUrl?: string; accessToken: string; network?: MediaNetwork }) {
    if (!opts.accessToken) throw new Error("graph media: accessToken is required");
    this.base = checkBaseUrl("graph media", opts.baseUrl ?? "https://graph.facebook.com/v19.0");
    this.authorization = `Bearer ${opts.accessToken}`;
    this.network = opts.network ?? PUBLIC_ONLY;
  }

  async fetch(url: string, limits: FetchLimits): Promise<FetchedMedia> {
    const id = url.startsWith(GRAPH_MEDIA_PREFIX) ? url.slice(GRAPH_MEDIA_PREFIX.length) : "";
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new MediaFetchError("permanent", "whatsapp media: not a graph media id");
    const lookupUrl = `${this.base}/${id}`;
    const lookupOrigin = new URL(lookupUrl).origin;
    const lookup = await httpGet("whatsapp media lookup", lookupUrl, {
      maxBytes: MAX_LOOKUP_BYTES,
      signal: limits.signal,
      network: this.network,
      trustedOrigin: lookupOrigin,
      credentials: { authorization: this.authorization, origin: new URL(lookupUrl).origin },
    });
    const meta = parseJson(lookup.bytes);
    const mediaUrl = typeof meta?.url === "string" ? meta.url : null;
    if (!mediaUrl || !/^https?:\/\//i.test(mediaUrl)) throw new MediaFetchError("permanent", "whatsapp media lookup: no url in the answer");
    if (typeof meta?.file_size === "number" && meta.file_size > limits.maxBytes)
      throw new MediaFetchError("too_large", `whatsapp media: ${meta.file_size} bytes is over the limit of ${limits.maxBytes}`);
    return httpGet("whatsapp media", mediaUrl, { ...limits, network: this.network, trustedOrigin: lookupOrigin, credentials: { authorization: this.authorization, origin: new URL(mediaUrl).origin } });
  }
}

/**
 * The fetchers and limits from the environment: MEDIA_MAX_BYTES (default 10 MiB),
 * MEDIA_FETCH_TIMEOUT_MS (15 s), MEDIA_MAX_ATTEMPTS (6); Twilio credentials from
 * TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TWILIO_API_BASE_URL (without them MMS media is fetched
 * as a public url, which works while the account does not enforce auth on media); WhatsApp from
 * WHATSAPP_ACCESS_TOKEN / GRAPH_API_BASE_URL (without a token WhatsApp media cannot be fetched);
 * MEDIA_ALLOW_PRIVATE_ADDRESSES=1 lets payload urls reach non-public addresses.
 */
export function mediaFetchersFromEnv(env: NodeJS.ProcessEnv): MediaFetchers {
  const network: MediaNetwork = { publicOnly: env.MEDIA_ALLOW_PRIVATE_ADDRESSES !== "1" };
  const byChannel = new Map<string, MediaFetcher>();
  for (const channel of ["qlue", "facebook", "lapor", "twitter", "open311"]) byChannel.set(channel, new HttpMediaFetcher(`${channel} media`, network));
  byChannel.set("sms", env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
    ? new TwilioMediaFetcher({ baseUrl: env.TWILIO_API_BASE_URL || undefined, accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, network })
    : new HttpMediaFetcher("sms media", network));
  if (env.WHATSAPP_ACCESS_TOKEN)
    byChannel.set("whatsapp", new GraphMediaFetcher({ baseUrl: env.GRAPH_API_BASE_URL || undefined, accessToken: env.WHATSAPP_ACCESS_TOKEN, network }));
  return {
    byChannel,
    maxBytes: positiveInt("MEDIA_MAX_BYTES", env.MEDIA_MAX_BYTES, MEDIA_DEFAULTS.maxBytes),
    timeoutMs: positiveInt("MEDIA_FETCH_TIMEOUT_MS", env.MEDIA_FETCH_TIMEOUT_MS, MEDIA_DEFAULTS.timeoutMs),
    maxAttempts: positiveInt("MEDIA_MAX_ATTEMPTS", env.MEDIA_MAX_ATTEMPTS, MEDIA_DEFAULTS.maxAttempts),
  };
}

/** One shared connection pool for payload urls; it connects to public addresses only. */
let publicOnly: Dispatcher | null = null;

/**
 * The dispatcher for one request: the guarded one unless the network allows private addresses or
 * the origin is one the configuration names. An IP literal never goes through DNS, so it is
 * checked here.
 */
function dispatcherFor(what: string, url: URL, network: MediaNetwork, trustedOrigin: string | undefined): Dispatcher | undefined {
  if (!network.publicOnly || url.origin === trustedOrigin) return undefined;
  if (isIpLiteral(url.hostname) && !isPublicAddress(url.hostname)) throw new MediaFetchError("permanent", `${what}: the url leads to an address that is not public`);
  return (publicOnly ??= publicOnlyDispatcher());
}

/**
 * One GET, redirects followed by hand; the credentials go only to their origin. 2xx answers the
 * body (at most maxBytes); 408, 429 and 5xx, timeouts and network failures are temporary; a
 * non-public address and any other status are permanent.
 */
async function httpGet(
  what: string,
  url: string,
  opts: FetchLimits & { network: MediaNetwork; trustedOrigin?: string; credentials?: { authorization: string; origin: string } },
): Promise<FetchedMedia> {
  let current = httpUrl(what, url);
  for (let redirects = 0; ; redirects++) {
    const headers: Record<string, string> = {};
    if (opts.credentials && current.origin === opts.credentials.origin) headers.authorization = opts.credentials.authorization;
    const dispatcher = dispatcherFor(what, current, opts.network, opts.trustedOrigin);
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: "manual", signal: opts.signal, dispatcher });
    } catch (err) {
      throw networkFailure(what, err);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get("location");
      if (!location) throw new MediaFetchError("permanent", `${what}: HTTP ${res.status} without a Location`);
      if (redirects >= MAX_REDIRECTS) throw new MediaFetchError("permanent", `${what}: more than ${MAX_REDIRECTS} redirects`);
      current = httpUrl(what, new URL(location, current).toString());
      continue;
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel();
      const temporary = res.status === 408 || res.status === 429 || res.status >= 500;
      throw new MediaFetchError(temporary ? "temporary" : "permanent", `${what}: HTTP ${res.status}`);
    }
    return { bytes: await readCapped(what, res, opts.maxBytes), contentType: res.headers.get("content-type") };
  }
}

/** The body, refused as soon as it (or its declared length) is over maxBytes. */
async function readCapped(what: string, res: Response, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new MediaFetchError("too_large", `${what}: more than ${maxBytes} bytes`);
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(Buffer.from(value));
    }
  } catch (err) {
    throw err instanceof MediaFetchError ? err : networkFailure(what, err);
  }
  return Buffer.concat(chunks);
}

function httpUrl(what: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MediaFetchError("permanent", `${what}: not a url`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new MediaFetchError("permanent", `${what}: not an http(s) url`);
  return parsed;
}

function networkFailure(what: string, err: unknown): MediaFetchError {
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError" || name === "AbortError") return new MediaFetchError("temporary", `${what}: no answer in time`);
  const failure = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = failure?.code ?? failure?.cause?.code;
  if (code === PRIVATE_ADDRESS) return new MediaFetchError("permanent", `${what}: the url leads to an address that is not public`);
  return new MediaFetchError("temporary", `${what}: connection failed (${typeof code === "string" ? code : "network error"})`);
}

function parseJson(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}
