/**
 * Trains the category classifier of a deployment (`npm run triage:train`; `tsx scripts/train-classifier.ts`):
 *
 *   1. reads data/triage/messages-train.jsonl (never the held-out file) and the deployment's categories.json;
 *   2. picks the L2 penalty, the weight of the keyword phrases and the keyword boost by 5-fold cross-validation on the
 *      training messages (stratified by category, folds fixed: the i-th message of a category is in fold
 *      i mod 5), maximising macro-F1, then accuracy;
 *   3. fits the softmax temperature on the same cross-validated scores (least negative log-likelihood) and
 *      chooses the confidence threshold: the lowest at which the cross-validated auto-routed guesses are
 *      >= 90% correct;
 *   4. trains on all training messages and writes <deployment>/classifier.json.
 *
 * Environment: DEPLOYMENT_DIR (default data/reference/deployments/jakarta).
 * Also the loaders the evaluation, the benchmark and the tests share.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CATEGORY_CONFIDENCE_THRESHOLD,
  chooseThreshold,
  loadClassifier,
  softmax,
  trainClassifier,
  type CategoryKeywords,
  type ClassifierModel,
  type TrainOptions,
} from "../src/domain/triage/classifier.ts";
import { REPORT_KINDS, type ReportKind } from "../src/domain/report.ts";
import type { SubstanceFlagKind } from "../src/domain/triage/triage.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const TRAIN_FILE = path.join(ROOT, "data/triage/messages-train.jsonl");
export const HELDOUT_FILE = path.join(ROOT, "data/triage/messages-heldout.jsonl");
export const DEPLOYMENT_DIR = path.resolve(ROOT, process.env.DEPLOYMENT_DIR ?? "data/reference/deployments/jakarta");
const TARGET_PRECISION = 0.9;
const FOLDS = 5;

const STYLES = ["formal", "sms", "tweet"] as const;
const FLAGS: readonly SubstanceFlagKind[] = ["empty", "abusive", "spam", "subjective"];

export interface LabelledMessage {
  text: string;
  category: string;
  kind: ReportKind;
  style: (typeof STYLES)[number];
  substance?: SubstanceFlagKind;
}

export interface DeploymentCategory extends CategoryKeywords {
  ownerPolicy: { kind: string };
}

/** One labelled message per line; every field checked, so a typo in the data fails loudly. */
export function readMessages(file: string): LabelledMessage[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line, i) => {
      const m = JSON.parse(line) as LabelledMessage;
      const where = `${path.basename(file)}:${i + 1}`;
      if (typeof m.text !== "string" || typeof m.category !== "string") throw new Error(`${where}: text and category are required`);
      if (!REPORT_KINDS.includes(m.kind)) throw new Error(`${where}: unknown kind ${String(m.kind)}`);
      if (!STYLES.includes(m.style)) throw new Error(`${where}: unknown style ${String(m.style)}`);
      if (m.substance !== undefined && !FLAGS.includes(m.substance)) throw new Error(`${where}: unknown substance ${String(m.substance)}`);
      return m;
    });
}

export function readCategories(dir: string = DEPLOYMENT_DIR): DeploymentCategory[] {
  const file = JSON.parse(fs.readFileSync(path.join(dir, "categories.json"), "utf8")) as { categories: DeploymentCategory[] };
  return file.categories.map((c) => ({ code: c.code, nameId: c.nameId, keywords: c.keywords ?? [], ownerPolicy: c.ownerPolicy }));
}

export function readModel(dir: string = DEPLOYMENT_DIR): ClassifierModel {
  return JSON.parse(fs.readFileSync(path.join(dir, "classifier.json"), "utf8")) as ClassifierModel;
}

/** The category whose reports go to the triage desk: what a message with no known word is given. */
export function triageCategory(categories: readonly DeploymentCategory[]): string | null {
  return categories.find((c) => c.ownerPolicy.kind === "triage")?.code ?? null;
}

/** Stratified, fixed folds: the i-th message of each category is in fold i mod FOLDS. */
export function folds<T extends { category: string }>(examples: readonly T[], k = FOLDS): number[] {
  const seen = new Map<string, number>();
  return examples.map((e) => {
    const i = seen.get(e.category) ?? 0;
    seen.set(e.category, i + 1);
    return i % k;
  });
}

/** Out-of-fold raw scores (category order of `categories`; null: no known term) of every training message. */
export function crossValidate(
  examples: readonly LabelledMessage[],
  categories: readonly DeploymentCategory[],
  options: TrainOptions,
): Array<{ expected: number; scores: Float64Array | null }> {
  const fold = folds(examples);
  const codes = categories.map((c) => c.code);
  const out: Array<{ expected: number; scores: Float64Array | null }> = [];
  for (let f = 0; f < FOLDS; f++) {
    const model = trainClassifier(examples.filter((_, i) => fold[i] !== f), categories, options, triageCategory(categories));
    const classifier = loadClassifier(model, categories);
    examples.forEach((e, i) => {
      if (fold[i] === f) out.push({ expected: codes.indexOf(e.category), scores: classifier.scores(e.text) });
    });
  }
  return out;
}

const argmax = (xs: ArrayLike<number>) => Array.from(xs).reduce((best, x, i, all) => (x > all[best]! ? i : best), 0);

export function macroF1(pairs: ReadonlyArray<{ expected: string; predicted: string | undefined }>, codes: readonly string[]): number {
  let sum = 0;
  for (const code of codes) {
    const tp = pairs.filter((p) => p.expected === code && p.predicted === code).length;
    const fp = pairs.filter((p) => p.expected !== code && p.predicted === code).length;
    const fn = pairs.filter((p) => p.expected === code && p.predicted !== code).length;
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / codes.length;
}

/** The model JSON with one line per category's weights, so a retraining reads as a diff per category. */
function formatModel(model: ClassifierModel): string {
  const { weights, ...rest } = model;
  const head = JSON.stringify(rest, null, 2).slice(0, -2);
  const lines = Object.entries(weights).map(([code, w]) => `    ${JSON.stringify(code)}: ${JSON.stringify(w)}`);
  return `${head},\n  "weights": {\n${lines.join(",\n")}\n  }\n}\n`;
}

async function main(): Promise<void> {
  const examples = readMessages(TRAIN_FILE);
  const categories = readCategories();
  const codes = categories.map((c) => c.code);
  const fallback = triageCategory(categories);
  const predicted = (scores: Float64Array | null) => (scores ? codes[argmax(scores)] : (fallback ?? undefined));
  const unknown = examples.find((e) => !codes.includes(e.category));
  if (unknown) throw new Error(`training message with unknown category ${unknown.category}: ${unknown.text}`);
  console.log(`training on ${examples.length} messages, ${codes.length} categories (${path.relative(ROOT, DEPLOYMENT_DIR)})`);

  let best: { options: TrainOptions; f1: number; accuracy: number } | null = null;
  for (const l2 of [0.0003, 0.001, 0.003]) {
    for (const keywordWeight of [1, 2, 4]) {
      for (const keywordBoost of [0, 1, 2]) {
        const options = { l2, epochs: 30, keywordWeight, keywordBoost, temperature: 1 };
        const cv = crossValidate(examples, categories, options);
        const pairs = cv.map((p) => ({ expected: codes[p.expected]!, predicted: predicted(p.scores) }));
        const f1 = macroF1(pairs, codes);
        const accuracy = pairs.filter((p) => p.expected === p.predicted).length / pairs.length;
        console.log(`  l2=${l2} keywordWeight=${keywordWeight} keywordBoost=${keywordBoost}: macro-F1 ${f1.toFixed(3)}, accuracy ${accuracy.toFixed(3)}`);
        if (!best || f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && accuracy > best.accuracy)) {
          best = { options, f1, accuracy };
        }
      }
    }
  }
  if (!best) throw new Error("no options tried");
  const cv = crossValidate(examples, categories, best.options);
  let temperature = 1;
  let bestNll = Infinity;
  for (let t = 0.5; t <= 30; t += 0.5) {
    const nll = cv.reduce((sum, p) => sum - Math.log(p.scores ? softmax(p.scores, t)[p.expected]! : 1 / codes.length), 0) / cv.length;
    if (nll < bestNll) [bestNll, temperature] = [nll, t];
  }
  const predictions = cv.map((p) => ({
    confidence: p.scores ? Math.max(...softmax(p.scores, temperature)) : 0,
    correct: predicted(p.scores) === codes[p.expected],
  }));
  const threshold = chooseThreshold(predictions, TARGET_PRECISION);
  const routed = predictions.filter((p) => p.confidence >= threshold);
  const options: TrainOptions = { ...best.options, temperature };
  console.log(
    `cross-validation (${FOLDS} folds): macro-F1 ${best.f1.toFixed(3)}, accuracy ${best.accuracy.toFixed(3)} with ` +
      `l2=${options.l2} keywordWeight=${options.keywordWeight} keywordBoost=${options.keywordBoost}; ` +
      `temperature ${temperature} (NLL ${bestNll.toFixed(3)})`,
  );
  console.log(
    `threshold ${threshold.toFixed(2)}: ${routed.length}/${predictions.length} auto-routed ` +
      `(${((routed.length / predictions.length) * 100).toFixed(1)}%), ` +
      `${((routed.filter((p) => p.correct).length / Math.max(routed.length, 1)) * 100).toFixed(1)}% of them correct`,
  );

  const model = trainClassifier(examples, categories, options, fallback, threshold);
  const file = path.join(DEPLOYMENT_DIR, "classifier.json");
  fs.writeFileSync(file, formatModel(model));
  console.log(`wrote ${path.relative(ROOT, file)} (${model.trainedOn.vocabulary} terms, ${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
  if (threshold !== CATEGORY_CONFIDENCE_THRESHOLD) {
    console.log(`NOTE: set CATEGORY_CONFIDENCE_THRESHOLD = ${threshold} in src/domain/triage/classifier.ts (it is ${CATEGORY_CONFIDENCE_THRESHOLD})`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
