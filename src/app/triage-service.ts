import type { TriageThresholds } from "../domain/triage/decide-triage.ts";
import type { Classification, PlaceResult, SubstanceFlag } from "../domain/triage/triage.ts";

/**
 * Triage's reading of a new report, built from the deployment's reference data (the trained
 * category model, the gazetteer of place names and landmarks, the neighbouring cities) and kept
 * in the reference cache. The pieces are pure (src/domain/triage, src/domain/geo).
 */
export interface TriageService {
  classify(text: string): Classification;
  /** a place named in the text (no point given) */
  locateText(text: string): PlaceResult;
  /** the neighbouring city of a point outside the deployment, when known */
  outside(lat: number, lon: number): { name: string | null };
  substance(text: string): SubstanceFlag[];
  thresholds: TriageThresholds;
}
