import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../src/domain/access-policy.ts";
import { PLACES, postPhoto, startTestApp, uploadPhoto, type Officer, type TestApp } from "./harness.ts";
import { ACTIONS, type Action } from "../src/domain/report-lifecycle.ts";

/**
 * Every state of docs/domain.md is reached through the API, and in each state every action is
 * tried as every kind of officer: it succeeds exactly for the roles (and scopes) the domain names,
 * is refused with 403 for the others and with 409 when only the state forbids it. `allowedActions`
 * of GET /api/v1/reports/:ticket must equal what actually succeeds (each success is proved on a
 * fresh copy of the report). One app serves the file.
 */

type State = "triage" | "waiting" | "coordination" | "disposition" | "in_progress" | "awaiting_validation" | "follow_up_rejected" | "done" | "closed";

/** What each role may do at all (domain.md, Roles); jsc_admin may do everything. */
const ROLE_MAY: Record<Role, readonly Action[]> = {
  jsc_admin: ACTIONS,
  kelurahan_officer: ["take_up", "coordinate", "accept_coordination", "refuse_coordination", "assign", "submit_follow_up", "close"],
  agency_officer: ["take_up", "coordinate", "accept_coordination", "refuse_coordination", "dispose", "assign", "submit_follow_up", "close"],
  ppsu_crew: ["submit_follow_up"],
  validator: ["validate", "reject_follow_up", "reopen"],
  supervisor: ["dispose", "assign", "validate", "reject_follow_up", "reopen"],
  executive: [],
};

/** The lifecycle: from which states each action starts (domain.md, The lifecycle). */
const FROM: Record<Action, readonly State[]> = {
  route: ["triage", "waiting"],
  take_up: ["waiting", "disposition"],
  coordinate: ["waiting", "in_progress"],
  accept_coordination: ["coordination"],
  refuse_coordination: ["coordination", "disposition"],
  dispose: ["waiting", "in_progress"],
  assign: ["waiting", "disposition", "in_progress", "follow_up_rejected"],
  submit_follow_up: ["in_progress", "follow_up_rejected"],
  validate: ["awaiting_validation"],
  reject_follow_up: ["awaiting_validation"],
  close: ["triage", "waiting", "coordination", "disposition", "in_progress", "follow_up_rejected"],
  reopen: ["done", "closed"],
};

const GAMBIR = "kel-31.71.01.1001";
const SUDIN = "dinas-bina-marga@31.71";

/** The officers of the matrix. */
const OFFICERS = {
  admin: { role: "jsc_admin", unit: "jsc-triage" },
  lurah: { role: "kelurahan_officer", unit: GAMBIR },
  lurahOther: { role: "kelurahan_officer", unit: "kel-31.73.03.1008" },
  ppsu: { role: "ppsu_crew", unit: GAMBIR },
  ppsuOther: { role: "ppsu_crew", unit: GAMBIR },
  sudin: { role: "agency_officer", unit: SUDIN },
  agencyOther: { role: "agency_officer", unit: "dinas-lingkungan-hidup@31.74" },
  valKec: { role: "validator", unit: "kec-31.71.01" },
  valSudin: { role: "validator", unit: SUDIN },
  valOther: { role: "validator", unit: "kec-31.73.03" },
  supKec: { role: "supervisor", unit: "kec-31.71.01" },
  supOther: { role: "supervisor", unit: "kec-31.74.07" },
  exec: { role: "executive", unit: null },
} as const satisfies Record<string, { role: Role; unit: string | null }>;
type Key = keyof typeof OFFICERS;
const KEYS = Object.keys(OFFICERS) as Key[];

let app: TestApp;
const who = {} as Record<Key, Officer>;
/** an upload never attached, for follow-ups that are expected to be refused */
let spareUpload: string;

interface Fixture {
  state: State;
  holder: string;
  build(): Promise<string>;
  /** non-admin officers whose unit is the holder or above it (scope "holder" and "above holder") */
  inUnit: readonly Key[];
  /** officers (besides jsc_admin and executive) who may read it */
  sees: readonly Key[];
  assignee?: Key;
  /** officers who may read it only because it lies in their kelurahan (the inbox misses these: see the it.fails) */
  territoryOnly?: readonly Key[];
  /** actions the rules allow here for which no valid request exists (no unit to dispose to) */
  noTarget?: Partial<Record<Key, readonly Action[]>>;
  targets: { route?: { unit: string; category?: string }; coordinate?: string; dispose?: string; assign?: Key };
}

type Outcome = 200 | 400 | 403 | 409;

function outcome(key: Key, action: Action, f: Fixture): Outcome {
  const role: Role = OFFICERS[key].role;
  const stateOk = FROM[action].includes(f.state);
  const impossible = f.noTarget?.[key]?.includes(action) ?? false;
  // An action that does not apply to this report at all (no unit below a kelurahan to dispose to) is 409.
  const success: Outcome = impossible ? 409 : 200;
  if (role === "jsc_admin") return stateOk ? success : 409;
  if (!ROLE_MAY[role].includes(action)) return 403;
  const inScope =
    action === "route" ? false : role === "ppsu_crew" ? f.assignee === key : f.inUnit.includes(key);
  if (!inScope) return 403;
  return stateOk ? success : 409;
}

const CODE: Record<Outcome, string | null> = { 200: null, 400: "VALIDATION_FAILED", 403: "FORBIDDEN", 409: "INVALID_TRANSITION" };

// ---- requests ------------------------------------------------------------------------------

function post(url: string, body: unknown, o?: Officer) {
  return app.post(url, body, o);
}

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(o: Officer, ticket: string, body: Record<string, unknown>, status = 200): Promise<LightMyRequestResponse> {
  const res = await post(`/api/v1/reports/${ticket}/transitions`, body, o);
  expect(res.statusCode, `${o.role} ${JSON.stringify(body)} on ${ticket}: ${res.body}`).toBe(status);
  return res;
}

interface OfficerView {
  state: State;
  holdingUnit: { id: string };
  assigneeUserId: string | null;
  allowedActions: Action[];
  timeline: Array<{ type: string; actorRole: string | null; actorUserId: string | null }>;
}

async function view(ticket: string, o: Officer = who.admin): Promise<OfficerView> {
  const res = await app.get(`/api/v1/reports/${ticket}`, o);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as OfficerView;
}

async function eventCount(ticket: string): Promise<number> {
  const { rows } = await app.running.ctx.pool.query<{ n: number }>(
    "select count(*)::int as n from report_events e join reports r on r.id = e.report_id where r.ticket = $1",
    [ticket],
  );
  return rows[0]?.n ?? -1;
}

/** A valid request body for the action in this fixture. */
async function bodyFor(action: Action, f: Fixture, actor: Officer, forSuccess: boolean): Promise<Record<string, unknown>> {
  switch (action) {
    case "route":
      return { action, unit: f.targets.route?.unit ?? GAMBIR, ...(f.targets.route?.category ? { category: f.targets.route.category } : {}), note: "Dirutekan" };
    case "take_up":
    case "accept_coordination":
      return { action };
    case "coordinate":
      return { action, unit: f.targets.coordinate ?? SUDIN, reason: "Di luar kewenangan kami" };
    case "refuse_coordination":
      return { action, reason: "Bukan kewenangan kami" };
    case "dispose":
      return { action, unit: f.targets.dispose ?? "kel-31.71.01.1002", note: "Mohon ditangani" };
    case "assign":
      return { action, assignee: who[f.targets.assign ?? "ppsu"].id };
    case "submit_follow_up":
      return { action, note: "Sudah diperbaiki", publicComment: "Sudah diperbaiki", photos: [forSuccess ? await uploadPhoto(app, actor) : spareUpload] };
    case "validate":
      return { action, publicComment: "Tervalidasi" };
    case "reject_follow_up":
      return { action, reason: "Foto tidak jelas" };
    case "close":
      return { action, closeReason: "no_further_action", publicComment: "Tidak dapat ditindaklanjuti" };
    case "reopen":
      return { action, reason: "Ternyata belum beres" };
  }
}

// ---- building each state through the API --------------------------------------------------

const jalanRusak = { description: "Jalan berlubang di depan Monas", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "jalan_rusak" };

async function build(state: State): Promise<string> {
  switch (state) {
    case "triage":
      return submit({ description: "Tolong dicek, ada masalah di lingkungan kami" });
    case "waiting":
      return submit(jalanRusak);
    case "coordination": {
      const t = await build("waiting");
      await act(who.sudin, t, { action: "coordinate", unit: GAMBIR, reason: "Gang kecil, kewenangan kelurahan/PPSU" });
      return t;
    }
    case "disposition": {
      const t = await build("waiting");
      await act(who.sudin, t, { action: "dispose", unit: GAMBIR, note: "Gang kecil: PPSU Gambir" });
      return t;
    }
    case "in_progress": {
      const t = await build("disposition");
      await act(who.lurah, t, { action: "assign", assignee: who.ppsu.id });
      return t;
    }
    case "awaiting_validation": {
      const t = await build("in_progress");
      await act(who.ppsu, t, { action: "submit_follow_up", note: "Lubang ditambal", photos: [await uploadPhoto(app, who.ppsu)] });
      return t;
    }
    case "follow_up_rejected": {
      const t = await build("awaiting_validation");
      await act(who.valKec, t, { action: "reject_follow_up", reason: "Foto kurang jelas" });
      return t;
    }
    case "done": {
      const t = await build("awaiting_validation");
      await act(who.valKec, t, { action: "validate", publicComment: "Sudah baik" });
      return t;
    }
    case "closed": {
      const t = await build("disposition");
      await act(who.lurah, t, { action: "close", closeReason: "no_further_action", publicComment: "Sudah ditangani pihak lain" });
      return t;
    }
  }
}

/** Everyone who can read a report located in Gambir (territorial scope, or the sub-office that held it). */
const GAMBIR_READERS: readonly Key[] = ["lurah", "sudin", "valKec", "valSudin", "supKec"];
/** Officers whose unit is kelurahan Gambir or above it. */
const ABOVE_GAMBIR: readonly Key[] = ["lurah", "ppsu", "ppsuOther", "valKec", "supKec"];

const FIXTURES: readonly Fixture[] = [
  { state: "triage", holder: "jsc-triage", build: () => build("triage"), inUnit: [], sees: [], targets: { route: { unit: GAMBIR, category: "fasilitas_kelurahan" } } },
  {
    state: "waiting",
    holder: SUDIN,
    build: () => build("waiting"),
    inUnit: ["sudin", "valSudin"],
    sees: GAMBIR_READERS,
    territoryOnly: ["lurah"],
    targets: { route: { unit: "dinas-bina-marga" }, coordinate: GAMBIR, dispose: GAMBIR, assign: "sudin" },
  },
  { state: "coordination", holder: GAMBIR, build: () => build("coordination"), inUnit: ABOVE_GAMBIR, sees: GAMBIR_READERS, targets: {} },
  { state: "disposition", holder: GAMBIR, build: () => build("disposition"), inUnit: ABOVE_GAMBIR, sees: GAMBIR_READERS, targets: { assign: "ppsu" } },
  {
    state: "in_progress",
    holder: GAMBIR,
    build: () => build("in_progress"),
    inUnit: ABOVE_GAMBIR,
    sees: [...GAMBIR_READERS, "ppsu"],
    assignee: "ppsu",
    // A kelurahan has no unit below it and a disposition from a kelurahan goes nowhere.
    noTarget: { admin: ["dispose"], supKec: ["dispose"] },
    targets: { coordinate: SUDIN, assign: "ppsu" },
  },
  { state: "awaiting_validation", holder: GAMBIR, build: () => build("awaiting_validation"), inUnit: ABOVE_GAMBIR, sees: [...GAMBIR_READERS, "ppsu"], assignee: "ppsu", targets: {} },
  { state: "follow_up_rejected", holder: GAMBIR, build: () => build("follow_up_rejected"), inUnit: ABOVE_GAMBIR, sees: [...GAMBIR_READERS, "ppsu"], assignee: "ppsu", targets: { assign: "ppsu" } },
  { state: "done", holder: GAMBIR, build: () => build("done"), inUnit: ABOVE_GAMBIR, sees: [...GAMBIR_READERS, "ppsu"], assignee: "ppsu", targets: {} },
  { state: "closed", holder: GAMBIR, build: () => build("closed"), inUnit: ABOVE_GAMBIR, sees: GAMBIR_READERS, targets: {} },
];

const canSee = (key: Key, f: Fixture) => key === "admin" || key === "exec" || f.sees.includes(key);
const successes = (key: Key, f: Fixture) => ACTIONS.filter((a) => outcome(key, a, f) === 200);
const sorted = (xs: readonly string[]) => [...xs].sort();

beforeAll(async () => {
  app = await startTestApp();
  const officers = await Promise.all(KEYS.map((k) => (k === "admin" ? app.admin() : app.officer(OFFICERS[k].role, OFFICERS[k].unit, k))));
  KEYS.forEach((k, i) => {
    who[k] = officers[i]!;
  });
  spareUpload = await uploadPhoto(app, who.admin);
});

afterAll(async () => {
  await app?.close();
});

describe("every state is reachable through the API by exactly the roles allowed", () => {
  for (const f of FIXTURES) {
    it(`${f.state} (held by ${f.holder}): every action as every officer`, async () => {
      // The fixture itself is consistent with the read scope: nobody acts on what they cannot see.
      for (const k of KEYS) for (const a of ACTIONS) if (outcome(k, a, f) !== 403) expect(canSee(k, f), `${k} ${a}`).toBe(true);

      const ticket = await f.build();
      const start = await view(ticket);
      expect(start.state).toBe(f.state);
      expect(start.holdingUnit.id).toBe(f.holder);
      if (f.assignee) expect(start.assigneeUserId).toBe(who[f.assignee].id);

      // Read scope: GET and the inbox.
      for (const k of KEYS) {
        const res = await app.get(`/api/v1/reports/${ticket}`, who[k]);
        expect(res.statusCode, `${k} GET ${f.state}`).toBe(canSee(k, f) ? 200 : 403);
        const list = await app.get(`/api/v1/reports?q=${ticket}`, who[k]);
        expect(list.statusCode).toBe(200);
        const tickets = (list.json() as { items: Array<{ ticket: string }> }).items.map((i) => i.ticket);
        if (!f.territoryOnly?.includes(k)) expect(tickets.includes(ticket), `${k} list ${f.state}`).toBe(canSee(k, f));
        else if (!canSee(k, f)) expect(tickets).not.toContain(ticket);
        if (res.statusCode === 200) {
          const listed = (res.json() as OfficerView).allowedActions;
          const impossible = f.noTarget?.[k] ?? [];
          // allowedActions lists exactly what succeeds (actions without any valid target: see the it.fails below)
          expect(sorted(listed.filter((a) => !impossible.includes(a))), `${k} allowedActions in ${f.state}`).toEqual(sorted(successes(k, f)));
        }
      }

      // Refusals on the shared copy: 403 for role or scope, 409 for the state, 400 where no target exists; nothing changes.
      const eventsBefore = await eventCount(ticket);
      const refusals: Array<Promise<void>> = [];
      for (const k of KEYS) {
        for (const a of ACTIONS) {
          const expected = outcome(k, a, f);
          if (expected === 200) continue;
          refusals.push(
            (async () => {
              const res = await post(`/api/v1/reports/${ticket}/transitions`, await bodyFor(a, f, who[k], false), who[k]);
              expect(res.statusCode, `${k} (${OFFICERS[k].role}) ${a} in ${f.state}: ${res.body}`).toBe(expected);
              expect((res.json() as { error: { code: string } }).error.code).toBe(CODE[expected]);
            })(),
          );
        }
      }
      await Promise.all(refusals);
      expect(await eventCount(ticket)).toBe(eventsBefore);
      const after = await view(ticket);
      expect(after.state).toBe(f.state);
      expect(after.holdingUnit.id).toBe(f.holder);

      // Each success on its own fresh copy; the event records who acted and in which role.
      const attempts = KEYS.flatMap((k) => successes(k, f).map((a) => ({ k, a })));
      await Promise.all(
        attempts.map(async ({ k, a }) => {
          const copy = await f.build();
          const before = await eventCount(copy);
          await act(who[k], copy, await bodyFor(a, f, who[k], true));
          expect(await eventCount(copy), `${k} ${a}`).toBeGreaterThan(before);
          const last = (await view(copy)).timeline.at(-1);
          expect(last?.actorUserId, `${k} ${a}`).toBe(who[k].id);
          expect(last?.actorRole, `${k} ${a}`).toBe(OFFICERS[k].role);
        }),
      );
      // jsc_admin can do everything the lifecycle allows in this state.
      expect(sorted(successes("admin", f).concat(f.noTarget?.admin ?? []))).toEqual(sorted(ACTIONS.filter((a) => FROM[a].includes(f.state))));
    });
  }

  // A kelurahan has no unit below it: dispose does not apply (409) and is not offered.
  it("allowedActions never offers dispose on a kelurahan-held report (no target exists)", async () => {
    const f = FIXTURES.find((x) => x.state === "in_progress")!;
    const ticket = await f.build();
    for (const k of ["admin", "supKec"] as const) {
      for (const unit of ["kel-31.71.01.1002", "kec-31.71.01", SUDIN, "dinas-bina-marga"])
        await act(who[k], ticket, { action: "dispose", unit }, 409);
      expect(sorted((await view(ticket, who[k])).allowedActions)).toEqual(sorted(successes(k, f)));
    }
  });
});

// Regression (was a bug, fixed): the inbox filter disagrees with canSeeReport for kelurahan officers. readScope gives a
// kelurahan officer the region prefix "31.71.01.1001"; canSeeReport uses inRegion (code === prefix
// or below it), so GET /api/v1/reports/:ticket answers 200 for a report located in Gambir but held
// by the Suku Dinas, while listReports (src/store/reports.store.ts:288) only matches
// `kelurahan_code like '31.71.01.1001.%'`, which never matches the kelurahan itself: the lurah's
// inbox (GET /api/v1/reports) misses every report in the kelurahan held by an agency.
// Expected: the inbox lists it. Fix: `(kelurahan_code = $n or kelurahan_code like $n || '.%')`.
describe("kelurahan officers' inbox", () => {
  it("lists the reports located in their kelurahan that an agency holds, as GET allows", async () => {
    const t = await build("waiting");
    expect((await view(t, who.lurah)).state).toBe("waiting");
    const list = (await app.get(`/api/v1/reports?q=${t}`, who.lurah)).json() as { items: Array<{ ticket: string }> };
    expect(list.items.map((i) => i.ticket)).toContain(t);
  });
});

describe("executive: read-only", () => {
  it("sees every report (list and GET) with no allowed actions; every write is 403", async () => {
    const triage = await build("triage");
    const elsewhere = await submit({ description: "Lampu mati", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon, category: "lampu_jalan" });
    const all = (await app.running.ctx.pool.query<{ ticket: string }>("select ticket from reports")).rows.map((r) => r.ticket);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.get(`/api/v1/reports?limit=200${cursor ? `&cursor=${cursor}` : ""}`, who.exec);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: Array<{ ticket: string }>; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.ticket));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sorted(seen)).toEqual(sorted(all));
    for (const t of [triage, elsewhere]) expect((await view(t, who.exec)).allowedActions).toEqual([]);

    const counts = async () => (await app.running.ctx.pool.query<{ n: string }>(
      "select (select count(*) from reports) || '/' || (select count(*) from report_events) || '/' || (select count(*) from users) || '/' || (select count(*) from units) || '/' || (select count(*) from holidays) as n",
    )).rows[0]?.n;
    const before = await counts();
    for (const a of ACTIONS) expect((await post(`/api/v1/reports/${elsewhere}/transitions`, { action: a, reason: "x", unit: GAMBIR }, who.exec)).statusCode, a).toBe(403);
    const writes: Array<{ method: "POST" | "PUT" | "PATCH" | "DELETE"; url: string; payload?: unknown }> = [
      { method: "POST", url: "/api/v1/reports", payload: { channel: "phone", report: { description: "Lewat telepon" } } },
      { method: "PUT", url: "/api/v1/units/unit-exec", payload: { id: "unit-exec", kind: "agency", name: "Unit" } },
      { method: "PUT", url: "/api/v1/holidays/2031-01-02", payload: { date: "2031-01-02", name: "Libur" } },
      { method: "DELETE", url: "/api/v1/holidays/2026-01-01" },
      { method: "POST", url: "/api/v1/users", payload: { email: "x@test.local", name: "X", password: "password-123456", role: "executive", unitId: null } },
      { method: "PATCH", url: `/api/v1/users/${who.lurah.id}`, payload: { active: false } },
      { method: "POST", url: "/api/v1/outbox/1/retry" },
    ];
    for (const w of writes) {
      const res = await app.server.inject({
        method: w.method,
        url: w.url,
        ...(w.payload === undefined ? {} : { payload: w.payload as object }),
        headers: { cookie: who.exec.cookie, "x-csrf-token": who.exec.csrf },
      });
      expect(res.statusCode, `${w.method} ${w.url}: ${res.body}`).toBe(403);
      expect((res.json() as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    }
    expect(await counts()).toBe(before);
  });

  // Regression (was a bug, fixed): POST /api/v1/uploads (src/http/routes/officer.routes.ts:83-90) has no role check, so an
  // executive (read-only by domain.md) can store files: 201 with an uploads row and two blobs.
  // Expected 403 FORBIDDEN and nothing stored. Fix: refuse role "executive" as the walk-in route does.
  it("an executive cannot upload files", async () => {
    const before = (await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from uploads")).rows[0]?.n;
    const res = await postPhoto(app, who.exec, "x.jpg");
    expect(res.statusCode, res.body).toBe(403);
    expect((await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from uploads")).rows[0]?.n).toBe(before);
  });
});

describe("PPSU crews", () => {
  it("see only reports assigned to them (list and GET)", async () => {
    const assigned = await build("in_progress");
    const notAssigned = await build("disposition");
    const own = (await app.running.ctx.pool.query<{ ticket: string }>("select ticket from reports where assignee_user_id = $1", [who.ppsu.id])).rows.map((r) => r.ticket);
    expect(own).toContain(assigned);
    const list = (await app.get("/api/v1/reports?limit=200", who.ppsu)).json() as { items: Array<{ ticket: string }> };
    expect(sorted(list.items.map((i) => i.ticket))).toEqual(sorted(own));
    expect((await app.get(`/api/v1/reports/${assigned}`, who.ppsu)).statusCode).toBe(200);
    expect((await app.get(`/api/v1/reports/${notAssigned}`, who.ppsu)).statusCode).toBe(403);
    const other = (await app.get("/api/v1/reports?limit=200", who.ppsuOther)).json() as { items: unknown[] };
    expect(other.items).toEqual([]);
    expect((await app.get(`/api/v1/reports/${assigned}`, who.ppsuOther)).statusCode).toBe(403);
    await act(who.ppsuOther, assigned, { action: "submit_follow_up", note: "bukan tugas saya", photos: [spareUpload] }, 403);
  });

  it("a category that does not allow PPSU cannot be given to a crew, so the crew cannot submit its follow-up", async () => {
    const t = await submit({ description: "Lampu jalan mati", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "lampu_jalan" });
    await act(who.sudin, t, { action: "dispose", unit: GAMBIR });
    const before = await eventCount(t);
    const res = await act(who.lurah, t, { action: "assign", assignee: who.ppsu.id }, 400);
    expect((res.json() as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    await act(who.admin, t, { action: "assign", assignee: who.ppsu.id }, 400);
    await act(who.ppsu, t, { action: "submit_follow_up", note: "x", photos: [spareUpload] }, 403);
    expect(await eventCount(t)).toBe(before);
    // a kelurahan officer may still be assigned and do it
    await act(who.lurah, t, { action: "assign", assignee: who.lurah.id });
    await act(who.lurah, t, { action: "submit_follow_up", note: "Lampu diganti", photos: [await uploadPhoto(app, who.lurah)] });
  });

  // Regression (was a bug, fixed): submit_follow_up (src/domain/report-lifecycle.ts:317-320, permitted() "holder_or_assignee")
  // checks only that the crew is the assignee; the category's ppsuAllowed is checked only when
  // assigning (report-lifecycle.ts:298). After an administrator turns ppsuAllowed off for the
  // category, an already assigned PPSU crew still submits the follow-up (200) and allowedActions
  // still offers it. Expected: 403 (domain: PPSU submits TL only where the category allows PPSU).
  // Fix: in permitted()/the rule, require ctx.category.ppsuAllowed when actor.role === "ppsu_crew".
  it("an assigned crew cannot submit a follow-up once the category no longer allows PPSU", async () => {
    const t = await build("in_progress");
    const cats = (await app.get("/api/v1/categories")).json() as { items: Array<Record<string, unknown>> };
    const cat = cats.items.find((c) => c.code === "jalan_rusak")!;
    const keys = ["code", "nameId", "nameEn", "ownerPolicy", "slaFirstActionDays", "slaResolutionDays", "disputePolicy", "disputeWindowDays", "reopenEscalationThreshold", "ppsuAllowed", "active"];
    const body = Object.fromEntries(keys.map((k) => [k, cat[k]]));
    const put = (ppsuAllowed: boolean) =>
      app.server.inject({ method: "PUT", url: "/api/v1/categories/jalan_rusak", payload: { ...body, ppsuAllowed }, headers: { cookie: who.admin.cookie, "x-csrf-token": who.admin.csrf } });
    expect((await put(false)).statusCode).toBe(200);
    try {
      expect((await view(t, who.ppsu)).allowedActions).not.toContain("submit_follow_up");
      await act(who.ppsu, t, { action: "submit_follow_up", note: "x", photos: [await uploadPhoto(app, who.ppsu)] }, 403);
    } finally {
      expect((await put(true)).statusCode).toBe(200);
    }
  });
});

describe("supervisors and validators act within their area", () => {
  it("the camat of kec-31.71.01 sees Gambir's reports, not other kecamatan's, and reopens a done report there only", async () => {
    const gambirDone = await build("done");
    const kotaTua = await submit({ description: "Fasilitas rusak", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, category: "fasilitas_kelurahan" });
    await act(who.lurahOther, kotaTua, { action: "take_up" });
    await act(who.lurahOther, kotaTua, { action: "submit_follow_up", note: "Diperbaiki", photos: [await uploadPhoto(app, who.lurahOther)] });
    const valKotaTua = await app.officer("validator", "kec-31.73.03");
    await act(valKotaTua, kotaTua, { action: "validate" });

    const list = (await app.get("/api/v1/reports?limit=200", who.supKec)).json() as { items: Array<{ ticket: string; kelurahan: { code: string } | null }> };
    const tickets = list.items.map((i) => i.ticket);
    expect(tickets).toContain(gambirDone);
    expect(tickets).not.toContain(kotaTua);
    for (const i of list.items) if (i.kelurahan) expect(i.kelurahan.code.startsWith("31.71.01."), i.ticket).toBe(true);
    expect((await app.get(`/api/v1/reports/${kotaTua}`, who.supKec)).statusCode).toBe(403);

    await act(who.supKec, kotaTua, { action: "reopen", reason: "bukan wilayah saya" }, 403);
    await act(who.supOther, gambirDone, { action: "reopen", reason: "bukan wilayah saya" }, 403);
    const reopened = (await act(who.supKec, gambirDone, { action: "reopen", reason: "Warga melapor rusak lagi" })).json() as { state: string; holdingUnitId: string };
    expect(reopened).toMatchObject({ state: "waiting", holdingUnitId: GAMBIR });
    const last = (await view(gambirDone)).timeline.at(-1);
    expect(last).toMatchObject({ type: "reopened", actorRole: "supervisor", actorUserId: who.supKec.id });
  });

  it("validators validate only within their unit subtree", async () => {
    // A follow-up of the sub-office: its own validator or the agency above it, not the kecamatan's.
    const t = await submit(jalanRusak);
    await act(who.sudin, t, { action: "take_up" });
    await act(who.sudin, t, { action: "submit_follow_up", note: "Ditambal", photos: [await uploadPhoto(app, who.sudin)] });
    const agencyValidator = await app.officer("validator", "dinas-bina-marga");
    const otherSudinValidator = await app.officer("validator", "dinas-bina-marga@31.74");
    for (const v of [who.valKec, who.valOther, otherSudinValidator]) await act(v, t, { action: "validate" }, 403);
    expect((await view(t, agencyValidator)).allowedActions).toEqual(expect.arrayContaining(["validate", "reject_follow_up"]));
    await act(who.valSudin, t, { action: "reject_follow_up", reason: "Kurang jelas" });
    await act(who.sudin, t, { action: "submit_follow_up", note: "Ditambal ulang", photos: [await uploadPhoto(app, who.sudin)] });
    await act(agencyValidator, t, { action: "validate" });
    expect((await view(t)).state).toBe("done");

    // A follow-up of kelurahan Gambir: the kecamatan's validator, not the sub-office's.
    const k = await build("awaiting_validation");
    await act(who.valSudin, k, { action: "validate" }, 403);
    await act(who.valOther, k, { action: "validate" }, 403);
    await act(who.valKec, k, { action: "validate" });
  });

  it("jsc_admin acts everywhere and its events record the role jsc_admin", async () => {
    const t = await build("triage");
    await act(who.admin, t, { action: "route", unit: GAMBIR, category: "fasilitas_kelurahan" });
    await act(who.admin, t, { action: "take_up" });
    await act(who.admin, t, { action: "assign", assignee: who.ppsu.id });
    await act(who.admin, t, { action: "coordinate", unit: SUDIN, reason: "Koordinasi" });
    await act(who.admin, t, { action: "accept_coordination" });
    await act(who.admin, t, { action: "dispose", unit: GAMBIR });
    await act(who.admin, t, { action: "refuse_coordination", reason: "Kembali" });
    await act(who.admin, t, { action: "submit_follow_up", note: "Selesai", photos: [await uploadPhoto(app, who.admin)] });
    // The four-eyes rule: someone else validates the administrator's own follow-up.
    await act(who.admin, t, { action: "validate" }, 403);
    await act(who.admin, t, { action: "reject_follow_up", reason: "x" }, 403);
    await act(who.valSudin, t, { action: "reject_follow_up", reason: "Kurang foto" });
    await act(who.admin, t, { action: "close", closeReason: "no_further_action", publicComment: "Ditutup" });
    await act(who.admin, t, { action: "reopen", reason: "Dibuka lagi" });
    const v = await view(t);
    const byAdmin = v.timeline.filter((e) => e.actorUserId === who.admin.id);
    expect(byAdmin.map((e) => e.type)).toEqual([
      "routed",
      "taken_up",
      "assigned",
      "coordinated",
      "coordination_accepted",
      "disposed",
      "coordination_refused",
      "follow_up_submitted",
      "closed",
      "reopened",
    ]);
    for (const e of byAdmin) expect(e.actorRole).toBe("jsc_admin");
  });
});
