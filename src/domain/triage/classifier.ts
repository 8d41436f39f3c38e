/**
 * The report category from its text: a multinomial logistic regression (softmax regression, L2) over stemmed
 * words and word pairs, with the deployment's categories as prior knowledge in two roles:
 *
 *   - at training time each category's keyword phrases and the phrases of its name ("Rambu / lampu lalu
 *     lintas" -> "rambu", "lampu lalu lintas") are extra training examples of weight `keywordWeight`, so a
 *     keyword never seen in the training messages still weighs;
 *   - at classification time a message containing a whole keyword phrase ("pohon tumbang", "lampu merah")
 *     gets `keywordBoost` added to that category's score. These phrases come from the categories passed to
 *     loadClassifier, so an administrator's edit of the keywords takes effect without retraining.
 *
 * Confidences are softmax(score / temperature), the temperature fit by cross-validation so that they are
 * roughly calibrated. Every guess is explainable: a score is the sum of per-category term weights plus the
 * category's bias and keyword boosts, and `evidence` lists the keywords matched and the words that pushed
 * the winner furthest ahead of the average category. The biases follow the training mix: "lainnya", which
 * holds the messages without substance, has the largest, so a message with little to go on leans to it.
 *
 * Model JSON (data/reference/deployments/<name>/classifier.json, written by scripts/train-classifier.ts):
 * per category its bias and the weight of each term, centred on the term's mean over the categories
 * (weights under 0.05 in size are left out: leaving them out changed no cross-validated guess). A term no
 * category weighs is ignored.
 */
import type { Classification, CategoryGuess } from "./triage.ts";
import { classifyKind } from "./report-kind.ts";
import { normalize } from "./normalize.ts";
import { stem } from "./stemmer.ts";
import { isStopword } from "./stopwords.ts";
import { mulberry32 } from "../random.ts";

/**
 * Below this top confidence a report goes to the triage desk with the top three suggestions. Chosen by
 * scripts/train-classifier.ts on the training set by 5-fold cross-validation: the lowest confidence at
 * which the auto-routed messages were >= 90% correct. The model file records the value it was trained
 * with (`threshold`); classifier-eval.test.ts fails when the two disagree.
 */
export const CATEGORY_CONFIDENCE_THRESHOLD = 0.82;

/** What the classifier needs of a category: its code, its name and its keyword phrases. */
export interface CategoryKeywords {
  code: string;
  /** the category's Indonesian name ("Rambu / lampu lalu lintas"), read as more phrases */
  nameId?: string;
  keywords: readonly string[];
}

export interface TrainingExample {
  text: string;
  category: string;
}

export interface TrainOptions {
  /** L2 penalty on the weights of the terms of each example */
  l2: number;
  /** passes of stochastic gradient descent over the examples (learning rate 0.5, times 0.95 per pass) */
  epochs: number;
  /** weight of each keyword / name phrase as a training example of its category */
  keywordWeight: number;
  /** score added per keyword phrase found in the message */
  keywordBoost: number;
  /** softmax temperature: confidences are softmax(score / temperature) */
  temperature: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { l2: 0.001, epochs: 30, keywordWeight: 1, keywordBoost: 1, temperature: 1 };

export interface ClassifierModel {
  version: 2;
  algorithm: "softmax-regression";
  features: "stemmed unigrams and bigrams, binary per message";
  /** category codes, in the deployment's order */
  categories: string[];
  /** the category a message with no known term is given (at confidence 0): the triage category */
  fallback: string | null;
  options: TrainOptions;
  /** CATEGORY_CONFIDENCE_THRESHOLD at training time */
  threshold: number;
  /** per category: its bias */
  bias: Record<string, number>;
  /** per category: the weight of each term */
  weights: Record<string, Record<string, number>>;
  trainedOn: { examples: number; phrases: number; vocabulary: number };
}

export interface Classifier {
  classify(text: string): Classification;
  /** the raw log-space scores in the order of the categories given to loadClassifier; null: no known term */
  scores(text: string): Float64Array | null;
  readonly model: ClassifierModel;
}

/** A term of the message (a stem or "stem stem") and the words it came from, for the evidence. */
export interface Term {
  term: string;
  surface: string;
}

/** The stems of the content words of a message, with the normalized words they came from. */
export function contentWords(text: string): Array<{ stem: string; word: string }> {
  return contentWordsOf(normalize(text).tokens);
}

function contentWordsOf(tokens: readonly string[]): Array<{ stem: string; word: string }> {
  const out: Array<{ stem: string; word: string }> = [];
  for (const word of tokens) {
    if (isStopword(word)) continue;
    const s = stem(word);
    if (!isStopword(s)) out.push({ stem: s, word });
  }
  return out;
}

/** Unigrams and bigrams of the content stems, each once. */
export function terms(text: string): Term[] {
  return termsOf(contentWords(text));
}

function termsOf(words: ReadonlyArray<{ stem: string; word: string }>): Term[] {
  const seen = new Set<string>();
  const out: Term[] = [];
  const push = (term: string, surface: string) => {
    if (seen.has(term)) return;
    seen.add(term);
    out.push({ term, surface });
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    push(w.stem, w.word);
    const next = words[i + 1];
    if (next) push(`${w.stem} ${next.stem}`, `${w.word} ${next.word}`);
  }
  return out;
}

/** A keyword phrase as the stem sequence it must appear as. */
function keywordStems(keyword: string): string[] {
  return contentWords(keyword).map((w) => w.stem);
}

/** The phrases of a category name: "Saluran air tersumbat, genangan, banjir" -> three phrases. */
function namePhrases(name: string | undefined): string[] {
  return (name ?? "").split(/[/,()]/).map((p) => p.trim()).filter(Boolean);
}

/** Keywords and name phrases of a category (none for the fallback category: "Lainnya" says nothing). */
function phrasesOf(category: CategoryKeywords, fallback: string | null): string[] {
  return category.code === fallback ? [...category.keywords] : [...category.keywords, ...namePhrases(category.nameId)];
}

const round = (x: number) => Math.round(x * 1e3) / 1e3;
/** confidences are rounded down, so the top three never sum to more than 1 */
const down = (x: number) => Math.floor(x * 1e3) / 1e3;
/** weights smaller than this (after centring) are not stored */
const PRUNE = 0.05;

const random = mulberry32;

export function trainClassifier(
  examples: readonly TrainingExample[],
  categories: readonly CategoryKeywords[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  fallback: string | null = null,
  threshold: number = CATEGORY_CONFIDENCE_THRESHOLD,
): ClassifierModel {
  const codes = categories.map((c) => c.code);
  const n = codes.length;
  const docs: Array<{ terms: string[]; y: number; weight: number }> = [];
  for (const e of examples) {
    const y = codes.indexOf(e.category);
    if (y < 0) throw new Error(`training example for unknown category ${e.category}`);
    docs.push({ terms: terms(e.text).map((t) => t.term), y, weight: 1 });
  }
  let phrases = 0;
  categories.forEach((c, y) => {
    for (const p of phrasesOf(c, fallback)) {
      const t = terms(p).map((x) => x.term);
      if (t.length === 0) continue;
      docs.push({ terms: t, y, weight: options.keywordWeight });
      phrases++;
    }
  });
  const weights = new Map<string, Float64Array>();
  const bias = new Float64Array(n);
  const vector = (term: string) => {
    let v = weights.get(term);
    if (!v) weights.set(term, (v = new Float64Array(n)));
    return v;
  };
  const next = random(1);
  const order = docs.map((_, i) => i);
  const scores = new Float64Array(n);
  let rate = 0.5;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const d of order.map((i) => docs[i]!)) {
      const vs = d.terms.map(vector);
      scores.set(bias);
      for (const v of vs) for (let c = 0; c < n; c++) scores[c]! += v[c]!;
      const p = softmax(scores, 1);
      for (let c = 0; c < n; c++) {
        const g = (p[c]! - (c === d.y ? 1 : 0)) * d.weight;
        bias[c]! -= rate * g * 0.1;
        for (const v of vs) v[c]! -= rate * (g + options.l2 * v[c]!);
      }
    }
    rate *= 0.95;
  }
  // Adding the same number to a term's weight in every category changes no confidence: each term is stored
  // centred on its mean, so most categories' weights are near zero and can be left out.
  const perCategory: Record<string, Record<string, number>> = Object.fromEntries(codes.map((code) => [code, {}]));
  for (const term of [...weights.keys()].sort()) {
    const v = weights.get(term)!;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    codes.forEach((code, c) => {
      const x = round(v[c]! - mean);
      if (Math.abs(x) >= PRUNE) perCategory[code]![term] = x;
    });
  }
  return {
    version: 2,
    algorithm: "softmax-regression",
    features: "stemmed unigrams and bigrams, binary per message",
    categories: codes,
    fallback,
    options,
    threshold,
    bias: Object.fromEntries(codes.map((code, c) => [code, round(bias[c]!)])),
    weights: perCategory,
    trainedOn: { examples: examples.length, phrases, vocabulary: weights.size },
  };
}

export function loadClassifier(model: ClassifierModel, categories: readonly CategoryKeywords[]): Classifier {
  if (model.version !== 2 || model.algorithm !== "softmax-regression") {
    throw new Error(`unsupported classifier model ${String(model.version)}/${String(model.algorithm)}`);
  }
  // the deployment's categories now; one added since training is scored by its keywords alone
  const codes = categories.map((c) => c.code);
  const n = codes.length;
  const bias = Float64Array.from(codes, (c) => model.bias[c] ?? 0);
  const vectors = new Map<string, Float64Array>();
  codes.forEach((code, i) => {
    for (const [term, w] of Object.entries(model.weights[code] ?? {})) {
      let vec = vectors.get(term);
      if (!vec) vectors.set(term, (vec = new Float64Array(n)));
      vec[i] = w;
    }
  });
  const means = new Map<string, number>();
  for (const [term, vec] of vectors) means.set(term, vec.reduce((a, b) => a + b, 0) / n);
  const fallback = model.fallback && codes.includes(model.fallback) ? model.fallback : null;
  // keyword phrases by their first stem, so a message is scanned once
  const keywords = new Map<string, Array<{ category: number; text: string; stems: string[] }>>();
  categories.forEach((c, category) => {
    for (const text of phrasesOf(c, fallback)) {
      const stems = keywordStems(text);
      if (stems.length === 0) continue;
      const list = keywords.get(stems[0]!) ?? [];
      list.push({ category, text, stems });
      keywords.set(stems[0]!, list);
    }
  });
  const { keywordBoost, temperature } = model.options;

  /** Log-space scores in the order of `categories`, with what produced them; null scores: no evidence. */
  function score(tokens: readonly string[]) {
    const words = contentWordsOf(tokens);
    const known: Array<{ term: string; surface: string; vec: Float64Array }> = [];
    const scores = Float64Array.from(bias);
    for (const t of termsOf(words)) {
      const vec = vectors.get(t.term);
      if (!vec) continue;
      known.push({ term: t.term, surface: t.surface, vec });
      for (let i = 0; i < n; i++) scores[i]! += vec[i]!;
    }
    const matched: Array<{ category: number; text: string }> = [];
    for (let i = 0; i < words.length; i++) {
      for (const k of keywords.get(words[i]!.stem) ?? []) {
        if (matched.includes(k) || !k.stems.every((s, j) => words[i + j]?.stem === s)) continue;
        scores[k.category]! += keywordBoost;
        matched.push(k);
      }
    }
    return { scores: known.length === 0 && matched.length === 0 ? null : scores, known, matched };
  }

  function classify(text: string): Classification {
    const tokens = normalize(text).tokens;
    const kind = classifyKind(text, tokens);
    const kindPart = { kind: kind.kind, confidence: down(kind.confidence) };
    const { scores, known, matched } = score(tokens);
    if (!scores) return { top: fallback ? [{ code: fallback, confidence: 0 }] : [], kind: kindPart, evidence: [] };
    const confidences = softmax(scores, temperature);
    const order = codes.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
    const top: CategoryGuess[] = order.slice(0, 3).map((i) => ({ code: codes[i]!, confidence: down(confidences[i]!) }));
    const winner = order[0]!;
    const evidence = [
      ...matched.filter((k) => k.category === winner).map((k) => k.text),
      ...known
        .map((t) => ({ surface: t.surface, lift: t.vec[winner]! - means.get(t.term)! }))
        .filter((t) => t.lift > 0)
        .sort((a, b) => b.lift - a.lift)
        .map((t) => t.surface),
    ];
    return { top, kind: kindPart, evidence: [...new Set(evidence)].slice(0, 5) };
  }

  return { classify, scores: (text) => score(normalize(text).tokens).scores, model };
}

/** softmax(scores / temperature) */
export function softmax(scores: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const exp = Array.from(scores, (x) => Math.exp((x - max) / temperature));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/**
 * The lowest confidence (in steps of 0.01) at which the guesses at or above it are at least
 * `targetPrecision` correct, given (confidence, correct) pairs from held-apart predictions; 1 if none.
 */
export function chooseThreshold(predictions: ReadonlyArray<{ confidence: number; correct: boolean }>, targetPrecision = 0.9): number {
  for (let step = 0; step <= 100; step++) {
    const t = step / 100;
    const above = predictions.filter((p) => p.confidence >= t);
    if (above.length === 0) break;
    if (above.filter((p) => p.correct).length / above.length >= targetPrecision) return t;
  }
  return 1;
}
