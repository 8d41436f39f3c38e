/** The benchmarks' HTTP client: one keep-alive connection, officer login and officer accounts, and the quantile they report. */
import http from "node:http";

export const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

export function request(base: string, method: string, urlPath: string, opts: { cookie?: string; csrf?: string; json?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.csrf) headers["x-csrf-token"] = opts.csrf;
    if (body) headers["content-type"] = "application/json";
    const req = http.request(new URL(urlPath, base), { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export interface Session { cookie: string; csrf: string }

export async function login(base: string, email: string, password: string): Promise<Session> {
  const res = await request(base, "POST", "/api/v1/auth/login", { json: { email, password } });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  const cookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!);
  return { cookie: cookies.join("; "), csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

/** Creates an officer through the API; one left by an earlier run is fine (the API answers 4xx on a taken e-mail). */
export async function ensureOfficer(base: string, admin: Session, officer: { email: string; role: string; unitId: string; password: string }): Promise<void> {
  const { email, role, unitId, password } = officer;
  const res = await request(base, "POST", "/api/v1/users", { ...admin, json: { email, name: email.split("@")[0], password, role, unitId } });
  if (res.status >= 300 && res.status !== 409 && !/exist|taken|already|duplicate/i.test(res.body)) throw new Error(`create ${email}: ${res.status} ${res.body}`);
}

/** Nearest-rank quantile of ascending samples. */
export const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
