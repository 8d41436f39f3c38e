/**
 * The perceptual hash's robustness, measured on generated street scenes (the same pipeline as
 * production: sharp's grey 32x32 thumbnail, then the pure hash), and the evidence flags' rules.
 */
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { greyThumbnail } from "../app/evidence-check.ts";
import { checkEvidence, distanceMetres, FAR_METRES, hammingDistance, perceptualHash, REUSE_MAX_DISTANCE, type EvidenceFlag, type EvidencePhoto } from "./evidence.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Shot {
  /** the potholes are there (false: patched) */
  potholes?: boolean;
  /** camera moved, as a fraction of the frame */
  shiftX?: number;
  shiftY?: number;
  light?: number;
  noiseSeed?: number;
}

const W = 480;
const H = 360;

/**
 * A street photo: sky, buildings on the horizon, a road in perspective with a dashed centre line,
 * potholes, verge, sensor noise. Every seed shares that layout, as real street photos do.
 */
function street(seed: number, shot: Shot = {}): sharp.Sharp {
  const r = rng(seed);
  const horizon = H * (0.35 + r() * 0.2);
  const sky = [[120 + r() * 80, 150 + r() * 60, 200 + r() * 55], [200 + r() * 55, 210 + r() * 45, 230 + r() * 25]] as const;
  const buildings = Array.from({ length: 3 + Math.floor(r() * 4) }, () => ({ x: r() * W, w: 40 + r() * 140, h: 30 + r() * 120, c: [r() * 200, r() * 200, r() * 200] }));
  const roadGrey = 70 + r() * 60;
  const vanish = W * (0.3 + r() * 0.4);
  const holes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({ x: W * (0.2 + r() * 0.6), y: horizon + (H - horizon) * (0.3 + r() * 0.6), rx: 20 + r() * 40, ry: 8 + r() * 15 }));
  const noise = rng(shot.noiseSeed ?? seed * 7 + 1);
  const light = shot.light ?? 1;
  const px = Buffer.alloc(W * H * 3);
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < W; col++) {
      const x = col + (shot.shiftX ?? 0) * W;
      const y = row + (shot.shiftY ?? 0) * H;
      let c: readonly number[];
      if (y < horizon) {
        const t = y / horizon;
        c = [0, 1, 2].map((k) => sky[0][k]! * (1 - t) + sky[1][k]! * t);
        for (const b of buildings) {
          if (x >= b.x && x < b.x + b.w && y >= horizon - b.h) c = Math.floor(x / 12) % 2 === 0 && Math.floor(y / 16) % 2 === 0 ? b.c.map((v) => v * 0.6) : b.c;
        }
      } else {
        const t = (y - horizon) / (H - horizon);
        if (Math.abs(x - vanish) < 20 + t * W * 0.6) {
          c = [roadGrey, roadGrey, roadGrey + 5];
          if (Math.abs(x - vanish) < 2 + t * 6 && Math.floor((y - horizon) / (8 + t * 30)) % 2 === 0) c = [230, 230, 220];
          if (shot.potholes !== false) for (const h of holes) if ((x - h.x) ** 2 / h.rx ** 2 + (y - h.y) ** 2 / h.ry ** 2 <= 1) c = [35, 32, 30];
        } else {
          c = [90 + t * 40, 120 + t * 30, 60];
        }
      }
      const n = (noise() - 0.5) * 24;
      for (let k = 0; k < 3; k++) px[(row * W + col) * 3 + k] = Math.max(0, Math.min(255, c[k]! * light + n));
    }
  }
  return sharp(px, { raw: { width: W, height: H, channels: 3 } });
}

const hashOf = async (image: Buffer) => perceptualHash(await greyThumbnail(image));
const crop = (fraction: number) => (b: Buffer) => {
  const dx = Math.round(W * fraction);
  const dy = Math.round(H * fraction);
  return sharp(b).extract({ left: dx, top: dy, width: W - 2 * dx, height: H - 2 * dy }).jpeg().toBuffer();
};

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const originals: Buffer[] = [];
const hashes: string[] = [];

beforeAll(async () => {
  for (const seed of SEEDS) {
    const jpeg = await street(seed).jpeg({ quality: 92 }).toBuffer();
    originals.push(jpeg);
    hashes.push((await hashOf(jpeg))!);
  }
});

async function distancesOf(variant: (b: Buffer) => Promise<Buffer>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < originals.length; i++) out.push(hammingDistance(hashes[i]!, (await hashOf(await variant(originals[i]!)))!));
  return out;
}

describe("perceptual hash on generated street photos", () => {
  it.each([
    { name: "re-encoded at quality 35", bound: 4, variant: (b: Buffer) => sharp(b).jpeg({ quality: 35 }).toBuffer() },
    { name: "resized to half and re-encoded at quality 60", bound: 4, variant: (b: Buffer) => sharp(b).resize(W / 2).jpeg({ quality: 60 }).toBuffer() },
    { name: "recompressed as WebP", bound: 4, variant: (b: Buffer) => sharp(b).webp({ quality: 50 }).toBuffer() },
    { name: "brightened by 15%", bound: 4, variant: (b: Buffer) => sharp(b).modulate({ brightness: 1.15 }).jpeg().toBuffer() },
    { name: "stored rotated with an EXIF orientation", bound: 4, variant: (b: Buffer) => sharp(b).rotate(90).withMetadata({ orientation: 8 }).jpeg().toBuffer() },
    { name: "cropped by 1% on every side", bound: REUSE_MAX_DISTANCE, variant: crop(0.01) },
  ])("a copy $name stays within $bound bits", async ({ variant, bound }) => {
    const d = await distancesOf(variant);
    expect(Math.max(...d)).toBeLessThanOrEqual(bound);
  });

  // pHash is shift-sensitive: from about 2% per side a crop starts to exceed the threshold (at 3%,
  // a quarter of such scenes do). A cropped copy is promised to match only up to ~1%.
  it("a 2% crop on every side still matches in most photos", async () => {
    const d = await distancesOf(crop(0.02));
    expect(d.filter((x) => x <= REUSE_MAX_DISTANCE).length).toBeGreaterThanOrEqual(10);
  });

  it("different streets with the same layout never match", () => {
    const d: number[] = [];
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) d.push(hammingDistance(hashes[i]!, hashes[j]!));
    expect(Math.min(...d)).toBeGreaterThan(REUSE_MAX_DISTANCE);
    // Unrelated photos sit around half the bits apart.
    expect(d.sort((a, b) => a - b)[d.length >> 1]).toBeGreaterThanOrEqual(24);
  });

  it("another shot of the same street, after the repair and from a step aside, does not match", async () => {
    for (const [i, seed] of SEEDS.entries()) {
      const after = await street(seed, { potholes: false, shiftX: 0.05, shiftY: 0.03, light: 1.1, noiseSeed: 99 }).jpeg().toBuffer();
      expect(hammingDistance(hashes[i]!, (await hashOf(after))!), `seed ${seed}`).toBeGreaterThan(REUSE_MAX_DISTANCE);
    }
  });

  it("a blank picture has no hash, whatever its format or grey level", async () => {
    const grey = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#888" } }).jpeg().toBuffer();
    const white = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect(await hashOf(grey)).toBeNull();
    expect(await hashOf(white)).toBeNull();
  });

  it("is 16 hex digits with 31 of the 63 frequency bits set and the DC bit clear", () => {
    for (const h of hashes) {
      expect(h).toMatch(/^[0-9a-f]{16}$/);
      const bits = BigInt(`0x${h}`);
      expect(bits >> 63n).toBe(0n);
      expect(hammingDistance(h, "0000000000000000")).toBe(31);
    }
  });

  it("refuses a thumbnail of the wrong size", () => {
    expect(() => perceptualHash(new Uint8Array(31 * 31))).toThrow(RangeError);
  });
});

describe("hammingDistance and distanceMetres", () => {
  it("counts differing bits", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("00ff00ff00ff00ff", "00fe00ff00ff00ff")).toBe(1);
  });

  it("refuses anything but 16 lower-case hex digits", () => {
    expect(() => hammingDistance("abc", "0000000000000000")).toThrow(RangeError);
    expect(() => hammingDistance("ABCDEF0000000000", "0000000000000000")).toThrow(RangeError);
  });

  it("measures metres on the ground", () => {
    expect(distanceMetres({ lat: -6, lon: 106.8 }, { lat: -7, lon: 106.8 })).toBeCloseTo(111_195, -1);
    // Monas to Kota Tua.
    expect(distanceMetres({ lat: -6.1754, lon: 106.8272 }, { lat: -6.1352, lon: 106.8133 })).toBeGreaterThan(4_600);
    expect(distanceMetres({ lat: -6.1754, lon: 106.8272 }, { lat: -6.1352, lon: 106.8133 })).toBeLessThan(4_800);
  });
});

describe("checkEvidence", () => {
  const MONAS = { lat: -6.1754, lon: 106.8272 };
  // 2025-06-10 17:00 in Jakarta.
  const report = { createdAt: new Date("2025-06-10T10:00:00Z"), ...MONAS };
  const now = new Date("2025-06-12T03:00:00Z");
  const clean: EvidencePhoto = { phash: "0123456789abcdef", exifTakenAt: "2025-06-11T09:30:00", exifLat: -6.1758, exifLon: 106.8275 };
  const codes = (flags: EvidenceFlag[]) => flags.map((f) => f.code);

  it("finds nothing in clean evidence: after the report, recent, on the spot, unique", () => {
    expect(checkEvidence(clean, report, [], now)).toEqual([]);
  });

  it("names the other report of a reused photo; matches beyond the threshold do not count", () => {
    const flags = checkEvidence(clean, report, [
      { ticket: "JKT-250601-0002", distance: 10, lat: -6.2444, lon: 106.8006 },
      { ticket: "JKT-250601-0001", distance: 4, lat: -6.2444, lon: 106.8006 },
    ], now);
    expect(flags).toHaveLength(1);
    const reused = flags[0]!;
    if (reused.code !== "reused_photo") throw new Error(`unexpected ${reused.code}`);
    expect(reused.severity).toBe("high");
    expect(reused.matches).toEqual([{ ticket: "JKT-250601-0001", distance: 4, reportsApartMetres: expect.any(Number) }]);
    expect(reused.matches[0]!.reportsApartMetres).toBeGreaterThan(7_000);
    expect(reused.message.id).toContain("JKT-250601-0001");
    expect(reused.message.en).toContain("JKT-250601-0001");
    expect(reused.message.id).not.toContain("JKT-250601-0002");
  });

  it("is less severe when the other report is at the same place (one fix may answer two reports)", () => {
    const [flag] = checkEvidence(clean, report, [{ ticket: "JKT-250601-0003", distance: 0, lat: -6.1755, lon: 106.8273 }], now);
    expect(flag).toMatchObject({ code: "reused_photo", severity: "medium" });
    expect(flag!.message.en).toContain("same place");
  });

  it("flags this report's own earlier photo handed in as the follow-up", () => {
    const flags = checkEvidence(clean, report, [{ ticket: "JKT-250610-0001", distance: 2, lat: MONAS.lat, lon: MONAS.lon, sameReport: true }], now);
    expect(flags).toEqual([expect.objectContaining({ code: "same_as_report_photo", severity: "high", distance: 2 })]);
  });

  it("reads a camera time without an offset in the deployment's zone", () => {
    // 16:50 in Jakarta = 10 minutes before the report: within the clock tolerance.
    expect(codes(checkEvidence({ ...clean, exifTakenAt: "2025-06-10T16:50:00" }, report, [], now))).toEqual([]);
    // Read at UTC+9 (WIT), the same wall time is 07:50Z: over two hours before.
    expect(codes(checkEvidence({ ...clean, exifTakenAt: "2025-06-10T16:50:00" }, report, [], now, { utcOffsetMinutes: 540 }))).toEqual(["taken_before_report"]);
    expect(codes(checkEvidence({ ...clean, exifTakenAt: "2025-06-10T16:50:00+09:00" }, report, [], now))).toEqual(["taken_before_report"]);
  });

  it("flags a photo taken before the report was made, with how long before", () => {
    const [flag] = checkEvidence({ ...clean, exifTakenAt: "2025-06-09T08:00:00" }, report, [], now);
    expect(flag).toMatchObject({ code: "taken_before_report", severity: "high", takenAt: "2025-06-09T08:00:00", minutesBefore: 33 * 60 });
    expect(flag!.message.id).toContain("33 jam");
    expect(flag!.message.en).toContain("33 hours");
  });

  it("flags a photo much older than the follow-up, but not twice when it is also before the report", () => {
    const later = new Date("2025-07-01T03:00:00Z");
    const [old] = checkEvidence({ ...clean, exifTakenAt: "2025-06-11T09:30:00" }, report, [], later);
    expect(old).toMatchObject({ code: "taken_long_ago", severity: "medium", daysBeforeFollowUp: 20 });
    expect(codes(checkEvidence({ ...clean, exifTakenAt: "2025-06-24T10:00:00" }, report, [], later))).toEqual([]);
    const before = checkEvidence({ ...clean, exifTakenAt: "2025-01-01T10:00:00" }, report, [], later);
    expect(codes(before)).toEqual(["taken_before_report"]);
    expect(before[0]!.message.en).toContain("160 days");
  });

  it("flags GPS away from the report's point, more severely beyond a kilometre", () => {
    // ~250 m north: within phone and pin error.
    expect(codes(checkEvidence({ ...clean, exifLat: MONAS.lat + 0.00225, exifLon: MONAS.lon }, report, [], now))).toEqual([]);
    const [mid] = checkEvidence({ ...clean, exifLat: MONAS.lat + 0.0045, exifLon: MONAS.lon }, report, [], now);
    expect(mid).toMatchObject({ code: "far_from_report", severity: "medium" });
    expect((mid as { distanceMetres: number }).distanceMetres).toBeGreaterThan(FAR_METRES);
    const [far] = checkEvidence({ ...clean, exifLat: MONAS.lat + 0.045, exifLon: MONAS.lon }, report, [], now);
    expect(far).toMatchObject({ code: "far_from_report", severity: "high", distanceMetres: 5004 });
    expect(far!.message.id).toContain("5,0 km");
    expect(far!.message.en).toContain("5.0 km");
  });

  it("cannot check place without the report's point", () => {
    expect(checkEvidence({ ...clean, exifLat: 0.5, exifLon: 100 }, { ...report, lat: null, lon: null }, [], now)).toEqual([]);
  });

  it("says what is missing when EXIF is absent, as information only", () => {
    const [none] = checkEvidence({ phash: null, exifTakenAt: null, exifLat: null, exifLon: null }, report, [], now);
    expect(none).toMatchObject({ code: "no_exif", severity: "info", missing: ["time", "gps"] });
    expect(none!.message.en).toContain("Not an accusation");
    expect(checkEvidence({ ...clean, exifLat: null, exifLon: null }, report, [], now)).toEqual([expect.objectContaining({ code: "no_exif", missing: ["gps"] })]);
    // An unreadable time is as good as none.
    expect(checkEvidence({ ...clean, exifTakenAt: "yesterday" }, report, [], now)).toEqual([expect.objectContaining({ code: "no_exif", missing: ["time"] })]);
  });

  it("lists several findings together, most serious kinds first", () => {
    const flags = checkEvidence({ phash: clean.phash, exifTakenAt: "2025-06-01T08:00:00", exifLat: MONAS.lat + 0.045, exifLon: MONAS.lon }, report,
      [{ ticket: "JKT-250601-0001", distance: 0, lat: null, lon: null }], now);
    expect(codes(flags)).toEqual(["reused_photo", "taken_before_report", "far_from_report"]);
    expect(flags[0]!.severity).toBe("high");
  });
});
