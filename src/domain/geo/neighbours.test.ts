import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildRegionLocator, type GeoJSONPolygonOrMultiPolygon } from "./kelurahan-locator.ts";
import { NEIGHBOUR_AREAS, outsideJurisdiction, placeFromPoint, POINT_CONFIDENCE, probeAround } from "./neighbours.ts";

const layer = JSON.parse(
  fs.readFileSync(fileURLToPath(new URL("../../../data/reference/boundaries/dki_jakarta_kelurahan_cahyadsn.geojson", import.meta.url)), "utf8"),
) as { features: Array<{ properties: { kode: string }; geometry: GeoJSONPolygonOrMultiPolygon }> };
const locator = buildRegionLocator(layer.features.map((f) => ({ code: f.properties.kode, geometry: f.geometry })));

// Town centres of Bodetabek (approximate, from public maps), each well inside its city or regency.
const TOWNS: Array<[string, number, number, string]> = [
  ["Depok, Jl. Margonda", -6.37, 106.832, "Kota Depok"],
  ["Depok, Universitas Indonesia", -6.362, 106.827, "Kota Depok"],
  ["Bekasi, city centre", -6.2383, 106.9756, "Kota Bekasi"],
  ["Pondok Gede", -6.28, 106.915, "Kota Bekasi"],
  ["Tangerang, station", -6.1767, 106.6325, "Kota Tangerang"],
  ["Soekarno-Hatta airport", -6.1256, 106.6559, "Kota Tangerang"],
  ["Ciputat", -6.309, 106.76, "Kota Tangerang Selatan"],
  ["BSD City", -6.3018, 106.6527, "Kota Tangerang Selatan"],
  ["Pamulang", -6.3434, 106.7381, "Kota Tangerang Selatan"],
  ["Cibinong", -6.4815, 106.854, "Kabupaten Bogor"],
  ["Cileungsi", -6.397, 106.959, "Kabupaten Bogor"],
  ["Bogor, Kebun Raya", -6.5976, 106.7996, "Kota Bogor"],
  ["Cikarang", -6.2608, 107.1528, "Kabupaten Bekasi"],
  ["Tarumajaya", -6.11, 106.99, "Kabupaten Bekasi"],
  ["Dadap", -6.085, 106.71, "Kabupaten Tangerang"],
  ["Balaraja", -6.2, 106.45, "Kabupaten Tangerang"],
];

describe("outsideJurisdiction", () => {
  it.each(TOWNS)("%s -> %s", (_name, lat, lon, expected) => {
    expect(locator.locate(lat, lon)).toBeNull(); // really outside Jakarta's layer
    expect(outsideJurisdiction(lat, lon)).toEqual({ name: expected });
  });

  it.each([
    ["the sea off Ancol", -6.07, 106.84],
    ["the sea off Marunda", -6.06, 106.95],
    ["between the Thousand Islands", -5.85, 106.6],
    ["Bandung", -6.9175, 107.6191],
    ["Serang", -6.12, 106.15],
  ])("%s -> no name", (_name, lat, lon) => {
    expect(outsideJurisdiction(lat, lon)).toEqual({ name: null });
  });

  it("lists the eight Bodetabek cities and regencies, cities before the regencies around them", () => {
    const names = NEIGHBOUR_AREAS.map((a) => a.name);
    expect([...names].sort()).toEqual([
      "Kabupaten Bekasi", "Kabupaten Bogor", "Kabupaten Tangerang", "Kota Bekasi", "Kota Bogor", "Kota Depok", "Kota Tangerang", "Kota Tangerang Selatan",
    ]);
    for (const city of ["Bogor", "Bekasi", "Tangerang"]) expect(names.indexOf(`Kota ${city}`)).toBeLessThan(names.indexOf(`Kabupaten ${city}`));
  });
});

describe("probeAround", () => {
  it("returns the kelurahan at the point first, then the ones around it, without repeats", () => {
    expect(probeAround(locator, -6.1754, 106.8272, 30)).toEqual(["31.71.01.1001"]); // Monas
    const station = probeAround(locator, -6.226048, 106.858282, 30); // Stasiun Tebet, on a border
    expect(station[0]).toBe(locator.locate(-6.226048, 106.858282));
    expect([...station].sort()).toEqual(["31.74.01.1001", "31.74.01.1004"]);
  });
});

describe("placeFromPoint", () => {
  it("places a point inside a kelurahan", () => {
    const guess = { kelurahanCode: "31.71.01.1001", confidence: POINT_CONFIDENCE.inside, evidence: "point", source: "point" };
    expect(placeFromPoint(locator, -6.1754, 106.8272)).toEqual({ best: guess, candidates: [guess], outside: null });
  });

  it("takes the one kelurahan 25 m around a point that falls in a gap of the simplified layer", () => {
    // Stasiun Cakung (Peta Dasar DKI): the shipped polygons leave it in a sliver gap.
    expect(locator.locate(-6.219173, 106.952584)).toBeNull();
    const r = placeFromPoint(locator, -6.219173, 106.952584);
    expect(r.best).toEqual({ kelurahanCode: "31.75.06.1005", confidence: POINT_CONFIDENCE.near, evidence: "point (within 25 m)", source: "point" });
  });

  it("proposes the neighbouring city for a point in Bodetabek", () => {
    expect(placeFromPoint(locator, -6.37, 106.832)).toEqual({ best: null, candidates: [], outside: { name: "Kota Depok" } });
  });

  it("leaves a point at sea to the triage desk", () => {
    expect(placeFromPoint(locator, -6.07, 106.84)).toEqual({ best: null, candidates: [], outside: { name: null } });
  });
});
