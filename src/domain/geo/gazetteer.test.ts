import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildGazetteer, locateText, normalizeTokens, PLACE_CONFIDENCE_THRESHOLD, type AliasFile, type Landmark } from "./gazetteer.ts";
import { buildRegionLocator, type GeoJSONPolygonOrMultiPolygon } from "./kelurahan-locator.ts";
import { probeAround } from "./neighbours.ts";

const file = (rel: string) => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));
const csv = (rel: string) =>
  fs.readFileSync(file(rel), "utf8").trim().split("\n").slice(1).map((line) => line.split(","));

// The deployment's region names, as reference-cache has them (code -> name), from the shipped list.
const regionNames = new Map<string, string>();
for (const [kel, kelName, kec, kecName, kota, kotaName] of csv("data/reference/wilayah/dki_jakarta_kelurahan_kemendagri_2025.csv")) {
  regionNames.set(kel as string, kelName as string);
  regionNames.set(kec as string, kecName as string);
  regionNames.set(kota as string, kotaName as string);
}
const aliases = JSON.parse(fs.readFileSync(file("data/reference/gazetteer/aliases.json"), "utf8")) as AliasFile;
const landmarks = (JSON.parse(fs.readFileSync(file("data/reference/gazetteer/landmarks.json"), "utf8")) as { landmarks: Landmark[] }).landmarks;
const g = buildGazetteer({ regions: [...regionNames].map(([code, name]) => ({ code, name })), provinceCode: "31", aliases, landmarks });
const kelurahan = [...regionNames].filter(([code]) => code.split(".").length === 4);
const codeOf = (name: string) => kelurahan.find(([, n]) => n === name)?.[0];

const layer = JSON.parse(fs.readFileSync(file("data/reference/boundaries/dki_jakarta_kelurahan_cahyadsn.geojson"), "utf8")) as {
  features: Array<{ properties: { kode: string }; geometry: GeoJSONPolygonOrMultiPolygon }>;
};
const locator = buildRegionLocator(layer.features.map((f) => ({ code: f.properties.kode, geometry: f.geometry })));

describe("normalizeTokens", () => {
  it.each([
    ["Jl. Kemuning Gg. H. Sairin", "jalan kemuning gang h sairin"],
    ["Kel. Duri Kepa, Kec. Kebon Jeruk", "kelurahan duri kepa kecamatan kebon jeruk"],
    ["Jaksel / jak-sel / JKT Sel.", "jakarta selatan jakarta selatan jakarta selatan"],
    ["Tj. Priok, Kb. Jeruk, Pd. Kelapa, Kp. Melayu, Ps. Minggu", "tanjung priok kebon jeruk pondok kelapa kampung melayu pasar minggu"],
    ["SD Negeri 03 Kebun Jeruk", "sdn 03 kebon jeruk"],
    ["rt03/rw05", "rt 03 rw 05"],
    ["Cempaka Putih Tim.", "cempaka putih timur"],
    ["Kép. Seribu", "kepulauan seribu"],
  ])("%s", (text, tokens) => {
    expect(normalizeTokens(text).join(" ")).toBe(tokens);
  });

  it("expands a compass abbreviation only after a word", () => {
    expect(normalizeTokens("tim ppsu datang")).toEqual(["tim", "ppsu", "datang"]);
  });
});

describe("buildGazetteer", () => {
  it("reads all 267 kelurahan, 44 kecamatan and 6 kota of DKI Jakarta", () => {
    expect(kelurahan).toHaveLength(267);
    expect(g.names.size).toBe(267 + 44 + 6);
  });

  it("places every kelurahan by its own name after 'Kel.'", () => {
    const wrong = kelurahan.filter(([code, name]) => locateText(g, `Kel. ${name}`).best?.kelurahanCode !== code);
    expect(wrong).toEqual([]);
  });

  it("knows the BPS spellings of the code crosswalk", () => {
    const rows = csv("data/reference/boundaries/kelurahan_code_crosswalk_bps2020_kemendagri2025.csv").filter((r) => r[3] && r[1] !== r[4]);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const [, bpsName, , code] of rows) {
      expect(locateText(g, `Kelurahan ${bpsName}`).best?.kelurahanCode, bpsName).toBe(code);
    }
  });

  it("ignores regions of other provinces", () => {
    const other = buildGazetteer({ regions: [{ code: "32.76", name: "Kota Depok" }, { code: "31.74", name: "Kota Administrasi Jakarta Selatan" }], provinceCode: "31", aliases, landmarks: [] });
    expect([...other.names.keys()]).toEqual(["31.74"]);
  });
});

describe("landmarks.json", () => {
  const streetCodes = (path: Array<[number, number]>) => {
    const found = new Set<string>();
    for (let s = 0; s + 1 < path.length; s++) {
      const [la1, lo1] = path[s] as [number, number];
      const [la2, lo2] = path[s + 1] as [number, number];
      const kx = 111_320 * Math.cos((la1 * Math.PI) / 180), ky = 110_574;
      const dx = (lo2 - lo1) * kx, dy = (la2 - la1) * ky, len = Math.hypot(dx, dy);
      const steps = Math.max(1, Math.ceil(len / 50));
      for (let t = 0; t <= steps; t++) {
        for (const o of [-40, 0, 40]) {
          const code = locator.locate(la1 + ((la2 - la1) * t) / steps + ((dx / len) * o) / ky, lo1 + ((lo2 - lo1) * t) / steps - ((dy / len) * o) / kx);
          if (code) found.add(code);
        }
      }
    }
    return [...found].sort();
  };

  it("has at least 60 landmarks, each with a source", () => {
    expect(landmarks.length).toBeGreaterThanOrEqual(60);
    for (const l of landmarks) expect(l.source.length, l.id).toBeGreaterThan(10);
  });

  it("gives each landmark the kelurahan the point locator finds at it (all within 30 m; along a street, within 40 m)", () => {
    for (const l of landmarks) {
      const expected = l.path
        ? streetCodes(l.path)
        : [...new Set((l.points ?? [[l.lat, l.lon]]).flatMap(([lat, lon]) => probeAround(locator, lat, lon, 30)))].sort();
      expect(l.kelurahan, l.id).toEqual(expected);
      for (const code of l.kelurahan) expect(regionNames.has(code), code).toBe(true);
    }
  });

  it("names no landmark like a region (a name means one thing)", () => {
    const regionKeys = new Set([...regionNames.values()].map((n) => normalizeTokens(n).join("")));
    const clashes = landmarks.flatMap((l) => l.names).filter((n) => regionKeys.has(normalizeTokens(n).join("")));
    expect(clashes).toEqual([]);
  });
});

describe("locateText", () => {
  it("reads the issue's example: SDN schools are named after their kelurahan", () => {
    const r = locateText(g, "jalan berlubang depan SDN 03 Kebon Jeruk, udh 2 minggu gk dibenerin");
    expect(r.best).toEqual({ kelurahanCode: "31.73.05.1001", confidence: 0.9, evidence: "sdn 03 kebon jeruk", source: "text" });
    expect(r.outside).toBeNull();
  });

  it("does not route on a bare name that is also a kecamatan, but keeps the candidate and the kecamatan", () => {
    const r = locateText(g, "banjir di kebon jeruk ga surut2");
    expect(r.best).toBeNull();
    expect(r.candidates.map((c) => c.kelurahanCode)).toEqual(["31.73.05.1001"]);
    expect(r.candidates[0]?.confidence).toBeLessThan(PLACE_CONFIDENCE_THRESHOLD);
    expect(r.area).toEqual({ level: "kecamatan", code: "31.73.05", name: "Kebon Jeruk", evidence: "kebon jeruk" });
  });

  it("gives a kecamatan-only mention no kelurahan and no invented candidates", () => {
    const r = locateText(g, "Kami warga Kecamatan Pesanggrahan mengeluhkan sampah");
    expect(r).toEqual({ best: null, candidates: [], outside: null, area: { level: "kecamatan", code: "31.74.10", name: "Pesanggrahan", evidence: "kecamatan pesanggrahan" } });
  });

  it("uses a kota mention as the area when nothing finer is named", () => {
    expect(locateText(g, "jaksel lampu jalan bnyk yg mati").area).toEqual({ level: "kota", code: "31.74", name: "Kota Administrasi Jakarta Selatan", evidence: "jakarta selatan" });
  });

  it("reads 'Duri Kepa, Kebon Jeruk' as kelurahan + its kecamatan", () => {
    const r = locateText(g, "duri kepa, kebon jeruk banjir lagi");
    expect(r.best?.kelurahanCode).toBe("31.73.05.1005");
    expect(r.best?.confidence).toBeGreaterThan(0.9);
  });

  it("demotes a kelurahan that contradicts the kecamatan named with it", () => {
    const r = locateText(g, "Kel. Cipinang Muara, Kec. Cakung"); // Cipinang Muara is in Jatinegara
    expect(r.best).toBeNull();
    expect(r.candidates[0]?.kelurahanCode).toBe("31.75.03.1006");
  });

  it("routes a weak name only when it is marked as a kelurahan", () => {
    expect(locateText(g, "rumah baru di ujung gang").best).toBeNull();
    expect(locateText(g, "Kelurahan Baru, Pasar Rebo: genangan depan pasar").best?.kelurahanCode).toBe("31.75.05.1002");
  });

  it("treats a listed street as ambiguous across its kelurahan", () => {
    const r = locateText(g, "jl. jend. sudirman macet gara2 galian");
    expect(r.best).toBeNull();
    expect(r.candidates).toHaveLength(3);
    expect(r.candidates.every((c) => c.evidence === "jalan jenderal sudirman")).toBe(true);
  });

  it("places a landmark, longest name first", () => {
    expect(locateText(g, "ojol ngetem di depan stasiun gambir").best?.kelurahanCode).toBe("31.71.01.1001");
    // "Stasiun Tebet" is not kelurahan-less "Tebet": the station sits on the Tebet Timur / Kebon Baru border.
    const tebet = locateText(g, "jembatan penyeberangan dekat stasiun tebet rusak");
    expect(tebet.best).toBeNull();
    expect(tebet.candidates.map((c) => c.kelurahanCode).sort()).toEqual(["31.74.01.1001", "31.74.01.1004"]);
  });

  it("names the neighbouring city, but not for a Jakarta road named after it", () => {
    expect(locateText(g, "jalan rusak di margonda depok").outside).toEqual({ name: "Kota Depok" });
    expect(locateText(g, "lampu jalan mati sepanjang jl raya bogor").outside).toBeNull();
    expect(locateText(g, "Jl. Bekasi Timur Raya banjir, Kel. Cipinang Besar Utara").best?.kelurahanCode).toBe("31.75.03.1008");
  });

  it("forgives one typo inside one long word, not across short ones", () => {
    expect(locateText(g, "kebakaran di cengkereng barat").best?.kelurahanCode).toBe("31.73.01.1001");
    expect(locateText(g, "kel cempaka ptih barat lampu mati").best?.kelurahanCode).toBe("31.71.05.1002");
    expect(locateText(g, "got mampet dket pasar bau bgt").candidates).toEqual([]);
  });

  it("lowers the first candidate when the message names a second place", () => {
    const r = locateText(g, "macet dari slipi sampai semanggi");
    expect(r.best).toBeNull();
    expect(r.candidates[0]?.kelurahanCode).toBe(codeOf("Slipi"));
  });

  it("returns candidates best first, at most three, deterministically", () => {
    const text = "genangan dari cawang sampe kampung melayu dan bidara cina, juga cipinang besar selatan";
    const r = locateText(g, text);
    expect(r.candidates.length).toBeLessThanOrEqual(3);
    const confidences = r.candidates.map((c) => c.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(locateText(g, text)).toEqual(r);
  });

  it("finds nothing in a message without a place", () => {
    expect(locateText(g, "Saya ingin menanyakan prosedur pembuatan KTP elektronik.")).toEqual({ best: null, candidates: [], outside: null, area: null });
  });
});
