/**
 * Category suggestions while a citizen types on the portal: the deployment's triage classifier
 * (the same one that routes new reports) read for its top guesses. Public and asked on keystrokes,
 * so it reads only the cached reference data, never the reports.
 */
import type { Language } from "../domain/report.ts";
import type { AppContext } from "./context.ts";

/** A guess below this confidence is noise to a citizen: not offered. */
export const SUGGESTION_MIN_CONFIDENCE = 0.15;
export const SUGGESTION_LIMIT = 3;

export interface CategorySuggestion {
  code: string;
  name: string;
  confidence: number;
}

/** Up to three active categories the text most likely belongs to, best first; none without a classifier. */
export async function suggestCategories(ctx: AppContext, text: string, language: Language): Promise<{ items: CategorySuggestion[] }> {
  const ref = await ctx.reference.get();
  if (!ref.triage) return { items: [] };
  const items: CategorySuggestion[] = [];
  for (const guess of ref.triage.classify(text).top) {
    const category = ref.categories.get(guess.code);
    if (!category?.active || guess.confidence < SUGGESTION_MIN_CONFIDENCE) continue;
    items.push({ code: category.code, name: language === "en" ? category.nameEn : category.nameId, confidence: Math.round(guess.confidence * 100) / 100 });
    if (items.length === SUGGESTION_LIMIT) break;
  }
  return { items };
}
