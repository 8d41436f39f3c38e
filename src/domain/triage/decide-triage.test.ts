import { describe, expect, it } from "vitest";
import { decideTriage, type TriageFacts, type TriageGuesses } from "./decide-triage.ts";

const T = { category: 0.6, place: 0.7, kind: 0.6 };
const facts = (f: Partial<TriageFacts> = {}): TriageFacts => ({ categoryCode: null, kind: null, pointKelurahanCode: null, hasPoint: false, ...f });
const guesses = (g: Partial<TriageGuesses> = {}): TriageGuesses => ({
  classification: { top: [{ code: "jalan_rusak", confidence: 0.8 }, { code: "trotoar_rusak", confidence: 0.1 }], kind: { kind: "pengaduan", confidence: 0.9 }, evidence: ["lubang"] },
  place: { best: { kelurahanCode: "31.73.05.1001", confidence: 0.9, evidence: "kebon jeruk", source: "text" }, candidates: [], outside: null },
  flags: [],
  ...g,
});

describe("decideTriage", () => {
  it("routes on clear guesses and says so", () => {
    const d = decideTriage(facts(), guesses(), T);
    expect(d).toMatchObject({ categoryCode: "jalan_rusak", kelurahanCode: "31.73.05.1001", kind: "pengaduan", holdForDesk: null });
    expect(d.record.automatic).toBe(true);
  });

  it("keeps what people chose over guesses: the category given, the pinned point", () => {
    const d = decideTriage(facts({ categoryCode: "sampah", pointKelurahanCode: "31.71.01.1001", hasPoint: true, kind: "aspirasi" }), guesses(), T);
    expect(d).toMatchObject({ categoryCode: "sampah", kelurahanCode: "31.71.01.1001", kind: "aspirasi" });
    expect(d.record.automatic).toBe(false);
  });

  it("does not use guesses below their thresholds", () => {
    const weak = guesses({
      classification: { top: [{ code: "jalan_rusak", confidence: 0.5 }], kind: { kind: "aspirasi", confidence: 0.4 }, evidence: [] },
      place: { best: { kelurahanCode: "31.73.05.1001", confidence: 0.6, evidence: "jeruk", source: "text" }, candidates: [], outside: null },
    });
    expect(decideTriage(facts(), weak, T)).toMatchObject({ categoryCode: null, kelurahanCode: null, kind: "pengaduan", record: { automatic: false } });
  });

  it("holds reports without substance and points outside the deployment for the desk, with the reason", () => {
    const flagged = decideTriage(facts(), guesses({ flags: [{ kind: "spam", reason: "berisi promosi" }] }), T);
    expect(flagged.holdForDesk).toContain("berisi promosi");
    expect(flagged.record.automatic).toBe(false);
    const outside = decideTriage(facts({ hasPoint: true }), guesses({ place: { best: null, candidates: [], outside: { name: "Kota Depok" } } }), T);
    expect(outside.holdForDesk).toContain("Kota Depok");
    expect(outside.kelurahanCode).toBeNull();
  });
});
