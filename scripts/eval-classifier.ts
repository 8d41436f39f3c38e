/**
 * Evaluates the shipped classifier on the held-out messages (`npm run triage:eval`;
 * `tsx scripts/eval-classifier.ts`): accuracy, macro-F1 and per-category precision / recall / F1, top-3
 * accuracy, accuracy per writing style, the share of messages at or above CATEGORY_CONFIDENCE_THRESHOLD
 * (auto-routed) and their accuracy, the report-kind accuracy, the substance flags' precision and recall, and
 * the most frequent confusions with the messages behind them.
 *
 * data/triage/messages-heldout.jsonl is read here and by classifier-eval.test.ts only: never by training.
 * Environment: DEPLOYMENT_DIR (default data/reference/deployments/jakarta); EVAL_FILE to evaluate another file.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CATEGORY_CONFIDENCE_THRESHOLD, loadClassifier, type Classifier } from "../src/domain/triage/classifier.ts";
import { substanceFlags } from "../src/domain/triage/substance.ts";
import type { SubstanceFlagKind } from "../src/domain/triage/triage.ts";
import { HELDOUT_FILE, TRAIN_FILE, readCategories, readMessages, readModel, type LabelledMessage } from "./train-classifier.ts";

export interface ClassScore {
  code: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  messages: number;
  accuracy: number;
  macroF1: number;
  top3Accuracy: number;
  perCategory: ClassScore[];
  byStyle: Array<{ style: string; messages: number; accuracy: number }>;
  threshold: number;
  autoRouted: { share: number; accuracy: number; messages: number };
  /** kind accuracy over the messages without a substance label (a "tes" has no meaningful kind) */
  kind: { messages: number; accuracy: number; confusions: Array<{ expected: string; predicted: string; count: number }> };
  substance: {
    perFlag: Array<{ flag: SubstanceFlagKind; labelled: number; flagged: number; precision: number; recall: number }>;
    /** any flag at all against any label at all */
    any: { labelled: number; flagged: number; precision: number; recall: number };
  };
  confusions: Array<{ expected: string; predicted: string; count: number; examples: string[] }>;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function scores(pairs: ReadonlyArray<{ expected: string; predicted: string }>, code: string): ClassScore {
  const tp = pairs.filter((p) => p.expected === code && p.predicted === code).length;
  const fp = pairs.filter((p) => p.expected !== code && p.predicted === code).length;
  const fn = pairs.filter((p) => p.expected === code && p.predicted !== code).length;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { code, support: tp + fn, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

const FLAGS: SubstanceFlagKind[] = ["empty", "abusive", "spam", "subjective"];

export function evaluate(classifier: Classifier, codes: readonly string[], messages: readonly LabelledMessage[]): Evaluation {
  const results = messages.map((m) => ({ m, c: classifier.classify(m.text), flags: substanceFlags(m.text).map((f) => f.kind) }));
  const pairs = results.map(({ m, c }) => ({ expected: m.category, predicted: c.top[0]?.code ?? "(none)" }));
  const correct = pairs.filter((p) => p.expected === p.predicted).length;
  const perCategory = codes.map((code) => scores(pairs, code));
  const routed = results.filter(({ c }) => (c.top[0]?.confidence ?? 0) >= CATEGORY_CONFIDENCE_THRESHOLD);
  const styles = [...new Set(messages.map((m) => m.style))];

  const kindResults = results.filter(({ m }) => !m.substance);
  const kindConfusions = new Map<string, number>();
  for (const { m, c } of kindResults) {
    if (m.kind !== c.kind.kind) kindConfusions.set(`${m.kind}\t${c.kind.kind}`, (kindConfusions.get(`${m.kind}\t${c.kind.kind}`) ?? 0) + 1);
  }

  const confusions = new Map<string, string[]>();
  for (const { m, c } of results) {
    const predicted = c.top[0]?.code ?? "(none)";
    if (predicted === m.category) continue;
    const key = `${m.category}\t${predicted}`;
    confusions.set(key, [...(confusions.get(key) ?? []), m.text]);
  }

  const perFlag = FLAGS.map((flag) => {
    const labelled = results.filter(({ m }) => m.substance === flag).length;
    const flagged = results.filter(({ flags }) => flags.includes(flag)).length;
    const hit = results.filter(({ m, flags }) => m.substance === flag && flags.includes(flag)).length;
    return { flag, labelled, flagged, precision: ratio(hit, flagged), recall: ratio(hit, labelled) };
  });
  const anyLabelled = results.filter(({ m }) => m.substance).length;
  const anyFlagged = results.filter(({ flags }) => flags.length > 0).length;
  const anyHit = results.filter(({ m, flags }) => m.substance && flags.length > 0).length;

  return {
    messages: messages.length,
    accuracy: ratio(correct, messages.length),
    macroF1: perCategory.reduce((a, s) => a + s.f1, 0) / codes.length,
    top3Accuracy: ratio(results.filter(({ m, c }) => c.top.some((g) => g.code === m.category)).length, messages.length),
    perCategory,
    byStyle: styles.map((style) => {
      const of = pairs.filter((_, i) => messages[i]!.style === style);
      return { style, messages: of.length, accuracy: ratio(of.filter((p) => p.expected === p.predicted).length, of.length) };
    }),
    threshold: CATEGORY_CONFIDENCE_THRESHOLD,
    autoRouted: {
      messages: routed.length,
      share: ratio(routed.length, messages.length),
      accuracy: ratio(routed.filter(({ m, c }) => c.top[0]?.code === m.category).length, routed.length),
    },
    kind: {
      messages: kindResults.length,
      accuracy: ratio(kindResults.filter(({ m, c }) => m.kind === c.kind.kind).length, kindResults.length),
      confusions: [...kindConfusions]
        .map(([key, count]) => {
          const [expected, predicted] = key.split("\t") as [string, string];
          return { expected, predicted, count };
        })
        .sort((a, b) => b.count - a.count),
    },
    substance: {
      perFlag,
      any: { labelled: anyLabelled, flagged: anyFlagged, precision: ratio(anyHit, anyFlagged), recall: ratio(anyHit, anyLabelled) },
    },
    confusions: [...confusions]
      .map(([key, examples]) => {
        const [expected, predicted] = key.split("\t") as [string, string];
        return { expected, predicted, count: examples.length, examples };
      })
      .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatEvaluation(title: string, e: Evaluation, withErrors: boolean): string {
  const lines = [
    `## ${title}: ${e.messages} messages`,
    "",
    `accuracy ${pct(e.accuracy)}, macro-F1 ${e.macroF1.toFixed(3)}, right category among the top 3 ${pct(e.top3Accuracy)}`,
    `by style: ${e.byStyle.map((s) => `${s.style} ${pct(s.accuracy)} (${s.messages})`).join(", ")}`,
    `auto-routed (top confidence >= ${e.threshold}): ${e.autoRouted.messages} = ${pct(e.autoRouted.share)} of messages, ` +
      `${pct(e.autoRouted.accuracy)} of them right; the rest go to the triage desk with three suggestions`,
    `report kind: ${pct(e.kind.accuracy)} of ${e.kind.messages} messages without a substance label` +
      (e.kind.confusions.length ? ` (mistakes: ${e.kind.confusions.map((c) => `${c.expected} -> ${c.predicted} ${c.count}`).join(", ")})` : ""),
    `substance flags: any flag precision ${pct(e.substance.any.precision)}, recall ${pct(e.substance.any.recall)} ` +
      `(${e.substance.any.flagged} flagged, ${e.substance.any.labelled} labelled)`,
    ...e.substance.perFlag.map(
      (f) => `  ${f.flag.padEnd(10)} precision ${pct(f.precision).padStart(6)}  recall ${pct(f.recall).padStart(6)}  (${f.flagged} flagged, ${f.labelled} labelled)`,
    ),
    "",
    "| category | support | precision | recall | F1 |",
    "|---|---:|---:|---:|---:|",
    ...e.perCategory.map((s) => `| ${s.code} | ${s.support} | ${s.precision.toFixed(2)} | ${s.recall.toFixed(2)} | ${s.f1.toFixed(2)} |`),
    "",
    "most frequent confusions (expected -> predicted):",
    ...e.confusions.slice(0, 12).map((c) => `  ${c.count} x ${c.expected} -> ${c.predicted}`),
  ];
  if (withErrors) {
    lines.push("", "every misclassified message:");
    for (const c of e.confusions) for (const text of c.examples) lines.push(`  [${c.expected} -> ${c.predicted}] ${text}`);
  }
  return lines.join("\n");
}

function main(): void {
  const categories = readCategories();
  const classifier = loadClassifier(readModel(), categories);
  const codes = categories.map((c) => c.code);
  const file = process.env.EVAL_FILE ? path.resolve(process.env.EVAL_FILE) : HELDOUT_FILE;
  const heldOut = evaluate(classifier, codes, readMessages(file));
  console.log(formatEvaluation(`held-out (${path.basename(file)})`, heldOut, true));
  // the substance rules and the kind cues were written on the training messages: all messages, for the record
  const all = evaluate(classifier, codes, [...readMessages(TRAIN_FILE), ...readMessages(HELDOUT_FILE)]);
  console.log("");
  console.log(`substance flags over both files (${all.messages} messages; the rules were written on the training file):`);
  for (const f of all.substance.perFlag) {
    console.log(`  ${f.flag.padEnd(10)} precision ${pct(f.precision).padStart(6)}  recall ${pct(f.recall).padStart(6)}  (${f.flagged} flagged, ${f.labelled} labelled)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
