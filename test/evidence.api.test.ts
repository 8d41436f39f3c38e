/**
 * Evidence integrity through the API (issue #4): a follow-up with a photo already used on another
 * report, a "before" photo taken 5 km away, a clean photo and the citizen's own photos is accepted;
 * the validator's view shows each photo's flags, the public view none of them.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findNearPhotos, MAX_SEARCH_DISTANCE, saveUploadHash } from "../src/store/evidence.store.ts";
import { multipart, PLACES, startTestApp, type Officer, type TestApp } from "./harness.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** A photo-like picture: a gradient, a few shapes and sensor noise, different for every seed. */
function scene(seed: number): sharp.Sharp {
  let s = seed;
  const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const [w, h] = [640, 480];
  const from = [r() * 255, r() * 255, r() * 255];
  const to = [r() * 255, r() * 255, r() * 255];
  const shapes = Array.from({ length: 6 }, () => ({ x: r() * w, y: r() * h, rw: 40 + r() * 200, rh: 40 + r() * 200, c: [r() * 255, r() * 255, r() * 255] }));
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = (x + y) / (w + h);
      let c = from.map((v, k) => v * (1 - t) + to[k]! * t);
      for (const sh of shapes) if (Math.abs(x - sh.x) < sh.rw / 2 && Math.abs(y - sh.y) < sh.rh / 2) c = sh.c;
      const n = (r() - 0.5) * 30;
      for (let k = 0; k < 3; k++) px[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, c[k]! + n));
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } });
}

/** EXIF DateTimeOriginal of an instant, as a Jakarta phone writes it (local time, no offset). */
function jakartaExifTime(at: number): string {
  return new Date(at + 7 * 3600_000).toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ");
}

function withCameraExif(image: sharp.Sharp, takenAt: number, gps: { lat: string; lon: string }): Promise<Buffer> {
  return image
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "TestPhone", Model: "T1" },
      IFD2: { DateTimeOriginal: jakartaExifTime(takenAt) },
      IFD3: { GPSLatitudeRef: "S", GPSLatitude: gps.lat, GPSLongitudeRef: "E", GPSLongitude: gps.lon },
    })
    .toBuffer();
}

async function upload(officer: Officer, data: Buffer): Promise<string> {
  const { payload, headers } = multipart({}, [{ name: "file", filename: "tl.jpg", data, type: "image/jpeg" }]);
  const res = await app.server.inject({ method: "POST", url: "/api/v1/uploads", payload, headers: { ...headers, cookie: officer.cookie, "x-csrf-token": officer.csrf } });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>) {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { state: string };
}

interface Flag {
  code: string;
  severity: string;
  message: { id: string; en: string };
  matches?: Array<{ ticket: string; distance: number; reportsApartMetres: number | null }>;
  minutesBefore?: number;
  distanceMetres?: number;
  missing?: string[];
}

interface OfficerPhoto {
  id: string;
  evidenceFlags: Flag[] | null;
}

const codes = (flags: Flag[] | null) => flags?.map((f) => f.code);

describe("evidence integrity of a follow-up", () => {
  it("flags reuse, a before photo from elsewhere and the citizen's own photo for the validator, never for the public, and blocks nothing", async () => {
    // Another report, at Kota Tua, already closed its follow-up with photo P.
    const photoP = await scene(1).jpeg({ quality: 90 }).toBuffer();
    const other = await app.post("/api/v1/public/reports", { description: "Lampu taman mati di Kota Tua", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, category: "fasilitas_kelurahan" });
    expect(other.statusCode, other.body).toBe(201);
    const otherTicket = (other.json() as { ticket: string }).ticket;
    const lurahKotaTua = await app.officer("kelurahan_officer", "kel-31.73.03.1008");
    await act(lurahKotaTua, otherTicket, { action: "take_up" });
    await act(lurahKotaTua, otherTicket, { action: "submit_follow_up", note: "Lampu sudah diganti", photos: [await upload(lurahKotaTua, photoP)] });

    // The report at Monas, with the citizen's photos S and T.
    const photoS = await scene(4).jpeg({ quality: 90 }).toBuffer();
    const photoT = await scene(5).jpeg({ quality: 90 }).toBuffer();
    const { payload, headers } = multipart(
      { description: "Bangku taman rusak di dekat Monas", lat: String(PLACES.monas.lat), lon: String(PLACES.monas.lon), category: "fasilitas_kelurahan" },
      [{ name: "photos", filename: "bangku.jpg", data: photoS, type: "image/jpeg" }, { name: "photos", filename: "bangku2.jpg", data: photoT, type: "image/jpeg" }],
    );
    const created = await app.server.inject({ method: "POST", url: "/api/v1/public/reports", payload, headers });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = (created.json() as { ticket: string }).ticket;
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    const validator = await app.officer("validator", "kel-31.71.01.1001");
    const atCreation = (await app.get(`/api/v1/reports/${ticket}`, lurah)).json() as { createdAt: string; photos: OfficerPhoto[] };
    const reportCreatedAt = Date.parse(atCreation.createdAt);
    expect(atCreation.photos.map((p) => p.evidenceFlags)).toEqual([null, null]);
    // Either of them: (e) below hands in one of the citizen's own photos unchanged.
    const [kept, handedIn] = atCreation.photos.map((p) => p.id) as [string, string];
    await act(lurah, ticket, { action: "take_up" });

    // (a) P again, re-encoded at another quality and resized (which also drops its metadata);
    // (b) a photo taken three days before the report, 5 km south of Monas;
    // (c) a clean photo, taken half an hour after the report, at Monas;
    // (d) the citizen's photo S, resized, and (e) one of the citizen's photos itself: the "before" as the "after".
    const reused = await sharp(photoP).resize(400).jpeg({ quality: 55 }).toBuffer();
    const before = await withCameraExif(scene(2), reportCreatedAt - 3 * 86_400_000, { lat: "6/1 13/1 1344/100", lon: "106/1 49/1 3792/100" });
    const good = await withCameraExif(scene(3), reportCreatedAt + 30 * 60_000, { lat: "6/1 10/1 3144/100", lon: "106/1 49/1 3792/100" });
    const citizens = await sharp(photoS).resize(320).jpeg({ quality: 70 }).toBuffer();
    const ids = { reused: await upload(lurah, reused), before: await upload(lurah, before), good: await upload(lurah, good), citizens: await upload(lurah, citizens) };

    app.clock.now = new Date(reportCreatedAt + 3600_000);
    try {
      const submitted = await act(lurah, ticket, { action: "submit_follow_up", note: "Bangku sudah diperbaiki", photos: [ids.reused, ids.before, ids.good, ids.citizens, handedIn] });
      expect(submitted.state).toBe("awaiting_validation");

      const view = (await app.get(`/api/v1/reports/${ticket}`, validator)).json() as { photos: OfficerPhoto[] };
      const flagsOf = (id: string) => view.photos.find((p) => p.id === id)!.evidenceFlags;

      const a = flagsOf(ids.reused)!;
      expect(codes(a)).toEqual(["reused_photo", "no_exif"]);
      expect(a[0]).toMatchObject({ severity: "high", matches: [{ ticket: otherTicket }] });
      expect(a[0]!.matches![0]!.distance).toBeLessThanOrEqual(8);
      expect(a[0]!.matches![0]!.reportsApartMetres).toBeGreaterThan(4_000);
      expect(a[0]!.message.id).toContain(otherTicket);
      expect(a[1]).toMatchObject({ severity: "info", missing: ["time", "gps"] });

      const b = flagsOf(ids.before)!;
      expect(codes(b)).toEqual(["taken_before_report", "far_from_report"]);
      expect(b[0]!.minutesBefore).toBeGreaterThanOrEqual(3 * 24 * 60 - 1);
      expect(b[0]!.message.en).toContain("3 days before the report");
      expect(b[1]).toMatchObject({ severity: "high" });
      expect(b[1]!.distanceMetres).toBeGreaterThan(4_900);
      expect(b[1]!.distanceMetres).toBeLessThan(5_100);

      expect(flagsOf(ids.good)).toEqual([]);
      expect(codes(flagsOf(ids.citizens))).toEqual(["same_as_report_photo", "no_exif"]);
      expect(flagsOf(handedIn)).toEqual([expect.objectContaining({ code: "same_as_report_photo", severity: "high", distance: 0 }), expect.objectContaining({ code: "no_exif" })]);
      // The citizen's other photo was never evidence: nothing to say about it.
      expect(flagsOf(kept)).toBeNull();

      // The public sees the photos, without a word of the checks.
      const pub = await app.get(`/api/v1/public/reports/${ticket}`);
      expect((pub.json() as { photos: unknown[] }).photos).toHaveLength(6);
      for (const secret of ["evidenceFlags", "reused_photo", "taken_before_report", "far_from_report", "same_as_report_photo", "no_exif", otherTicket]) expect(pub.body).not.toContain(secret);

      // Flags inform; the validator still decides.
      expect((await act(validator, ticket, { action: "validate", publicComment: "Sudah diperbaiki" })).state).toBe("done");
    } finally {
      app.clock.now = null;
    }

    // Hashes are kept with the 4 index bands the near-match search uses.
    const { rows } = await app.running.ctx.pool.query<{ phash: string; bands: number[] }>(
      "select phash::text as phash, array[phash_b0, phash_b1, phash_b2, phash_b3] as bands from uploads where id = any($1::uuid[])", [Object.values(ids)]);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      const hex = BigInt.asUintN(64, BigInt(r.phash)).toString(16).padStart(16, "0");
      expect(r.bands).toEqual([0, 1, 2, 3].map((i) => parseInt(hex.slice(i * 4, i * 4 + 4), 16)));
    }
  });

  it("the band index finds every photo within 8 bits, even 2 bits off in every band, and nothing further", async () => {
    const pool = app.running.ctx.pool;
    const base = "f0f0a5a5c3c30f0f";
    const flip = (bits: number[]) => bits.reduce((h, b) => h ^ (1n << BigInt(b)), BigInt(`0x${base}`)).toString(16).padStart(16, "0");
    // bit 63 is in band 0 (the highest 16 bits), bit 0 in band 3
    const photos = [
      { ticket: "TEST-BAND-8", hash: flip([63, 62, 47, 46, 31, 30, 15, 14]) }, // 2+2+2+2
      { ticket: "TEST-BAND-6", hash: flip([31, 30, 29, 15, 14, 13]) }, // 0+0+3+3
      { ticket: "TEST-BAND-10", hash: flip([63, 62, 61, 47, 46, 45, 31, 30, 15, 14]) }, // 3+3+2+2: a candidate, too far
      { ticket: "TEST-BAND-12", hash: flip([63, 62, 61, 47, 46, 45, 31, 30, 29, 15, 14, 13]) }, // 3+3+3+3
    ];
    const ownReport = app.running.ctx.newId();
    for (const [i, p] of [{ ticket: "TEST-BAND-OWN", hash: base }, ...photos].entries()) {
      const reportId = i === 0 ? ownReport : app.running.ctx.newId();
      const uploadId = app.running.ctx.newId();
      await pool.query("insert into reports (id, ticket, kind, description, channel, state, holding_unit_id) values ($1, $2, 'pengaduan', 'band test', 'portal', 'waiting', 'jsc-triage')", [reportId, p.ticket]);
      await pool.query("insert into uploads (id, original_key, public_key, content_type, size_bytes, report_id) values ($1, 'k', 'k', 'image/jpeg', 1, $2)", [uploadId, reportId]);
      await saveUploadHash(pool, uploadId, p.hash);
    }
    const near = await findNearPhotos(pool, base, ownReport, 8);
    expect(near.map((n) => [n.ticket, n.distance])).toEqual([["TEST-BAND-6", 6], ["TEST-BAND-8", 8]]);
    expect((await findNearPhotos(pool, base, ownReport, MAX_SEARCH_DISTANCE)).map((n) => n.ticket)).toEqual(["TEST-BAND-6", "TEST-BAND-8", "TEST-BAND-10"]);
    await expect(findNearPhotos(pool, base, ownReport, MAX_SEARCH_DISTANCE + 1)).rejects.toThrow(RangeError);
  });
});
