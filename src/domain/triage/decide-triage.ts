/**
 * What the intake does with triage's guesses: the one place where "clear enough to route by
 * itself" is decided. A category the citizen chose and a point they pinned are facts; the
 * classifier's category and a place read from the text are used only above their thresholds.
 * Anything flagged for lacking substance, and any point outside the deployment, goes to the
 * triage desk with the reason and the candidates, never dropped.
 */
import type { ReportKind } from "../report.ts";
import type { Classification, PlaceResult, SubstanceFlag, TriageRecord } from "./triage.ts";

export interface TriageGuesses {
  classification: Classification | null;
  /** the place: from the point when there is one, else from the text */
  place: PlaceResult | null;
  flags: SubstanceFlag[];
}

export interface TriageFacts {
  /** the category the citizen or officer chose */
  categoryCode: string | null;
  /** the kind the channel or the form said; null when nobody said */
  kind: ReportKind | null;
  /** the kelurahan the pinned point fell in (null without a point or outside) */
  pointKelurahanCode: string | null;
  hasPoint: boolean;
}

export interface TriageThresholds {
  category: number;
  place: number;
  kind: number;
}

export interface TriageOutcome {
  categoryCode: string | null;
  kelurahanCode: string | null;
  kind: ReportKind;
  /** set when the report must wait at the triage desk whatever the routing rule says */
  holdForDesk: string | null;
  record: TriageRecord;
}

export function decideTriage(facts: TriageFacts, guesses: TriageGuesses, t: TriageThresholds): TriageOutcome {
  const top = guesses.classification?.top[0];
  const guessedCategory = !facts.categoryCode && top && top.confidence >= t.category ? top.code : null;
  const categoryCode = facts.categoryCode ?? guessedCategory;

  const kindGuess = guesses.classification?.kind;
  const kind: ReportKind = facts.kind ?? (kindGuess && kindGuess.confidence >= t.kind ? kindGuess.kind : "pengaduan");

  const best = guesses.place?.best;
  const guessedPlace = !facts.hasPoint && best && best.source === "text" && best.confidence >= t.place ? best.kelurahanCode : null;
  const kelurahanCode = facts.pointKelurahanCode ?? guessedPlace;

  let holdForDesk: string | null = null;
  if (guesses.flags.length) holdForDesk = `perlu diperiksa: ${guesses.flags.map((f) => f.reason).join("; ")}`;
  else if (facts.hasPoint && !facts.pointKelurahanCode) {
    const outside = guesses.place?.outside?.name;
    holdForDesk = outside
      ? `titik di luar wilayah, di ${outside}: usulkan tutup sebagai di luar kewenangan (outside_jurisdiction)`
      : "titik di luar wilayah: periksa lokasi atau tutup sebagai di luar kewenangan";
  }
  return {
    categoryCode,
    kelurahanCode,
    kind,
    holdForDesk,
    record: {
      place: guesses.place,
      classification: guesses.classification,
      flags: guesses.flags,
      automatic: !holdForDesk && (guessedCategory !== null || guessedPlace !== null),
    },
  };
}
