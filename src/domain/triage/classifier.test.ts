import { describe, expect, it } from "vitest";
import {
  DEFAULT_TRAIN_OPTIONS,
  chooseThreshold,
  contentWords,
  loadClassifier,
  softmax,
  terms,
  trainClassifier,
  type CategoryKeywords,
  type TrainingExample,
} from "./classifier.ts";

const categories: CategoryKeywords[] = [
  { code: "jalan_rusak", nameId: "Jalan rusak/berlubang", keywords: ["jalan berlubang", "aspal"] },
  { code: "sampah", nameId: "Sampah", keywords: ["tumpukan sampah", "tps"] },
  { code: "lampu_jalan", nameId: "Lampu penerangan jalan mati", keywords: ["pju", "lampu jalan"] },
  { code: "lainnya", nameId: "Lainnya", keywords: [] },
];

const examples: TrainingExample[] = [
  { text: "jalan di depan pasar berlubang besar", category: "jalan_rusak" },
  { text: "aspal jalan raya retak dan bolong2", category: "jalan_rusak" },
  { text: "lubang di jalan bikin motor jatuh", category: "jalan_rusak" },
  { text: "sampah numpuk tidak diangkut seminggu", category: "sampah" },
  { text: "tumpukan sampah bau di pinggir kali", category: "sampah" },
  { text: "truk sampah tidak datang, sampah menumpuk", category: "sampah" },
  { text: "lampu jalan mati gelap sekali", category: "lampu_jalan" },
  { text: "pju padam sejak seminggu, jalan gelap", category: "lampu_jalan" },
  { text: "penerangan jalan tidak menyala malam hari", category: "lampu_jalan" },
  { text: "website error tidak bisa login", category: "lainnya" },
];

const options = { ...DEFAULT_TRAIN_OPTIONS, keywordWeight: 2, keywordBoost: 1 };
const model = trainClassifier(examples, categories, options, "lainnya", 0.5);
const classifier = loadClassifier(model, categories);

describe("features", () => {
  it("are stems of content words, in unigrams and bigrams", () => {
    expect(contentWords("Jalanan yg berlubang di depan sekolah").map((w) => w.stem)).toEqual(["jalan", "lubang", "depan", "sekolah"]);
    expect(terms("pohon tumbang menimpa mobil").map((t) => t.term)).toEqual([
      "pohon", "pohon tumbang", "tumbang", "tumbang timpa", "timpa", "timpa mobil", "mobil",
    ]);
  });
});

describe("trainClassifier / loadClassifier", () => {
  it("puts a message in the category its words belong to, with the top three and their confidences", () => {
    const c = classifier.classify("jln dpn rmh sy bolong2, aspalnya ancur");
    expect(c.top[0]!.code).toBe("jalan_rusak");
    expect(c.top).toHaveLength(3);
    expect(c.top[0]!.confidence).toBeGreaterThan(c.top[1]!.confidence);
    const sum = c.top.reduce((a, g) => a + g.confidence, 0);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThanOrEqual(1);
    expect(c.kind.kind).toBe("pengaduan");
  });

  it("explains a guess with the words that weighed most", () => {
    const c = classifier.classify("Sampah menumpuk di TPS, bau sekali");
    expect(c.top[0]!.code).toBe("sampah");
    expect(c.evidence).toContain("tps");
    expect(c.evidence.length).toBeLessThanOrEqual(5);
  });

  it("boosts a keyword phrase from the categories given at load time, without retraining", () => {
    const text = "marka zebra cross pudar";
    const withKeyword = loadClassifier(model, categories.map((c) => (c.code === "lampu_jalan" ? { ...c, keywords: [...c.keywords, "zebra cross"] } : c)));
    expect(withKeyword.classify(text).top[0]!.code).toBe("lampu_jalan");
    expect(withKeyword.classify(text).evidence[0]).toBe("zebra cross");
    expect(classifier.classify(text).top[0]!.code).toBe("lainnya");
  });

  it("gives the fallback category at confidence 0 to a message with no known word", () => {
    const c = classifier.classify("xyzzy qwerty");
    expect(c.top).toEqual([{ code: "lainnya", confidence: 0 }]);
    expect(c.evidence).toEqual([]);
  });

  it("scores a category added after training by its keywords", () => {
    const more = [...categories, { code: "pohon", nameId: "Pohon tumbang", keywords: ["pohon tumbang"] }];
    expect(loadClassifier(model, more).classify("ada pohon tumbang di jalan").top[0]!.code).toBe("pohon");
  });

  it("trains deterministically and records what it was trained with", () => {
    expect(trainClassifier(examples, categories, options, "lainnya", 0.5)).toEqual(model);
    expect(model.threshold).toBe(0.5);
    expect(model.categories).toEqual(categories.map((c) => c.code));
    expect(model.trainedOn.examples).toBe(examples.length);
  });

  it("rejects training data for an unknown category and models of another version", () => {
    expect(() => trainClassifier([{ text: "x", category: "nope" }], categories)).toThrow(/unknown category/);
    expect(() => loadClassifier({ ...model, version: 1 as unknown as 2 }, categories)).toThrow(/unsupported/);
  });
});

describe("chooseThreshold", () => {
  it("is the lowest confidence at which the guesses above are precise enough", () => {
    const preds = [
      { confidence: 0.95, correct: true }, { confidence: 0.9, correct: true }, { confidence: 0.8, correct: true },
      { confidence: 0.7, correct: false }, { confidence: 0.6, correct: true }, { confidence: 0.3, correct: false },
    ];
    expect(chooseThreshold(preds, 0.8)).toBe(0.31);
    expect(chooseThreshold(preds, 0.9)).toBe(0.71);
    expect(chooseThreshold([{ confidence: 0.9, correct: false }], 0.9)).toBe(1);
  });
});

describe("softmax", () => {
  it("sums to one and flattens with a higher temperature", () => {
    const sharp = softmax([2, 1, 0], 1);
    const flat = softmax([2, 1, 0], 4);
    expect(sharp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(flat[0]!).toBeLessThan(sharp[0]!);
  });
});
