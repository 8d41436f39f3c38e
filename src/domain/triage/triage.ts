/**
 * What triage works out for a new report from its text and its point: where, what, what kind, and
 * whether it has substance. Each guess carries a confidence in [0, 1] and the evidence it rests on,
 * so officers see why a report was routed, and the triage desk sees the candidates when it was not.
 * The pieces live next to this file (classifier, substance) and in ../geo (gazetteer, neighbours).
 */
import type { ReportKind } from "../report-kind.ts";

/** A place guessed from a point or from words in the text. */
export interface PlaceGuess {
  /** Kemendagri code of the kelurahan, e.g. "31.73.05.1003" */
  kelurahanCode: string;
  confidence: number;
  /** "point", or the words of the text that named it ("kebon jeruk", "sdn 03 kebon jeruk") */
  evidence: string;
  source: "point" | "text";
}

export interface PlaceResult {
  /** the best guess when it is clear enough to route on, else null */
  best: PlaceGuess | null;
  /** up to three candidates, best first (for the triage desk) */
  candidates: PlaceGuess[];
  /** a point outside the deployment: the neighbouring city when we know it ("Kota Depok") */
  outside: { name: string | null } | null;
}

export interface CategoryGuess {
  code: string;
  confidence: number;
}

export interface Classification {
  /** up to three categories, best first; confidences sum to at most 1 */
  top: CategoryGuess[];
  kind: { kind: ReportKind; confidence: number };
  /** the words that weighed most, for the officer ("lubang", "aspal") */
  evidence: string[];
}

export type SubstanceFlagKind = "empty" | "abusive" | "spam" | "subjective";

export interface SubstanceFlag {
  kind: SubstanceFlagKind;
  /** why, in Indonesian, for the triage desk */
  reason: string;
}

/** What is stored on the report (reports.triage) and shown to officers. */
export interface TriageRecord {
  place: PlaceResult | null;
  classification: Classification | null;
  flags: SubstanceFlag[];
  /** true when the report was routed on these guesses without a person */
  automatic: boolean;
}
