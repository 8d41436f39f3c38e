import { buildGazetteer, locateText, PLACE_CONFIDENCE_THRESHOLD, type AliasFile, type Landmark } from "../domain/geo/gazetteer.ts";
import { outsideJurisdiction } from "../domain/geo/neighbours.ts";
import type { Category } from "../domain/report.ts";
import { CATEGORY_CONFIDENCE_THRESHOLD, loadClassifier, type ClassifierModel } from "../domain/triage/classifier.ts";
import type { TriageThresholds } from "../domain/triage/decide-triage.ts";
import { substanceFlags } from "../domain/triage/substance.ts";
import type { Classification, PlaceResult, SubstanceFlag } from "../domain/triage/triage.ts";
import type { TriageModelSetting } from "../store/reference-seed.ts";

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

/** The kind a message is sorted into is used from this confidence up (else: a complaint). */
const KIND_CONFIDENCE_THRESHOLD = 0.6;

/**
 * Builds triage from the deployment's shipped model files (the "triage" setting) and the region
 * names and categories in the database; null when the deployment ships no classifier.
 */
export function buildTriageService(
  setting: TriageModelSetting | null,
  regionNames: ReadonlyMap<string, string>,
  categories: ReadonlyMap<string, Category>,
  provinceCode: string,
): TriageService | null {
  if (!setting?.classifier) return null;
  const model = setting.classifier as ClassifierModel;
  const classifier = loadClassifier(model, [...categories.values()].filter((c) => c.active).map((c) => ({ code: c.code, nameId: c.nameId, keywords: c.keywords ?? [] })));
  const aliases = (setting.gazetteerAliases ?? { kelurahan: {}, kecamatan: {}, kota: {}, weak: {} }) as AliasFile;
  const landmarks = ((setting.landmarks as { landmarks?: Landmark[] } | null)?.landmarks ?? []) as Landmark[];
  const gazetteer = buildGazetteer({ regions: [...regionNames].map(([code, name]) => ({ code, name })), provinceCode, aliases, landmarks });
  return {
    classify: (text) => classifier.classify(text),
    locateText: (text) => locateText(gazetteer, text),
    outside: (lat, lon) => outsideJurisdiction(lat, lon),
    substance: (text) => substanceFlags(text),
    thresholds: { category: model.threshold ?? CATEGORY_CONFIDENCE_THRESHOLD, place: PLACE_CONFIDENCE_THRESHOLD, kind: KIND_CONFIDENCE_THRESHOLD },
  };
}
