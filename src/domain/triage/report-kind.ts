/**
 * The kind of a report (LAPOR!'s classes): pengaduan (complaint), aspirasi (suggestion) or
 * permintaan_informasi (information request), by weighted cues with the cues as evidence.
 *
 *   - suggestion: "usul", "saran", "sebaiknya", "alangkah baiknya", "mohon dibuat", "penambahan",
 *     "dijadikan", "perlu ada", "bagaimana kalau" ...;
 *   - information request: "mohon informasi", "mau tanya", "bagaimana cara", "apakah", "syarat",
 *     "prosedur", "jadwal", "berapa", "kapan", "di mana", a question mark ...;
 *   - complaint: the default (most reports are complaints) plus problem words ("rusak", "mati",
 *     "banjir", "bau", "sudah ... minggu"), "mohon diperbaiki", "melaporkan", and rhetorical questions
 *     ("kapan diperbaiki?", "dinas ke mana?") which ask for action, not for information.
 * The weights were set on the training messages only (data/triage/messages-train.jsonl).
 */
import type { ReportKind } from "../report.ts";
import { normalize } from "./normalize.ts";
import { stem } from "./stemmer.ts";

export interface KindGuess {
  kind: ReportKind;
  /** in [0, 1]: the winner's share of the softmax over the three scores */
  confidence: number;
  /** the cues that decided it ("usul", "mohon informasi", "?") */
  evidence: string[];
}

interface Cue {
  /** words of the normalized text, in order ("mohon informasi"); a "~" word matches by its stem */
  phrase: string[];
  kind: ReportKind;
  weight: number;
}

const cue = (kind: ReportKind, weight: number, phrases: string) =>
  phrases.split(",").map((p): Cue => ({ phrase: p.trim().split(" "), kind, weight }));

const CUES: Cue[] = [
  ...cue("aspirasi", 5, "~usul, ~saran, sebaiknya, alangkah baiknya, bagaimana kalau"),
  ...cue("aspirasi", 2, "~tambah, mohon dibuat, mohon dibuatkan, perlu ada, dijadikan, ~relokasi, diadakan, lebih baik, ~tanam"),
  ...cue("aspirasi", 1, "~pasang, semoga, dibuat, dibongkar, ~lebar, ide"),
  ...cue("permintaan_informasi", 4, "mohon informasi, mohon info, minta informasi, ~tanya, bagaimana cara, bagaimana prosedur, apakah"),
  ...cue("permintaan_informasi", 2, "~syarat, prosedur, jadwal, jam operasional, apa saja, berapa, ~daftar, informasi, info, perlu izin, izin ke"),
  ...cue("permintaan_informasi", 1, "kapan, di mana, ke mana, siapa, boleh, cara, ~urus"),
  ...cue("pengaduan", 2, "~lapor, mohon segera, segera, ~tindak, tolong, ~keluh, sudah, belum, tidak, padahal"),
  ...cue("pengaduan", 1, "~rusak, ~mati, ~padam, ~bocor, ~banjir, ~sumbat, ~lubang, ~tumpuk, ~bau, ~macet, ~bahaya, ~ganggu, parah, ~patah, ~roboh, ~tumbang, ~jebol, ~retak, ~putus, ~hilang, ~kotor, ~bising, ~berisik, ~liar, ~paksa, ~pungut, ~lambat, ~tutup, ~genang, ~luap, ~hancur, ~takut, ~kasihan, ~tolak, ~minta, terus"),
];

/** A question about when/where something will be fixed is a complaint asking for action. */
const RHETORICAL = /\bkapan\s+(mau\s+|akan\s+)?(di[a-z]{3,}|[a-z]+in)\b|\b(dinas|petugas|pemerintah|satpol pp|pengelola\w*)\s+(ke mana|di mana)/;
const ANGRY = /[😡😤🙄😑😩😭🤬😠😣😫😒]/u;

const BASE: Record<ReportKind, number> = { pengaduan: 1.5, aspirasi: 0, permintaan_informasi: 0 };

/** The cues by the first word of their phrase: "w:" a literal word, "s:" a stem. */
const CUES_BY_FIRST = new Map<string, Cue[]>();
for (const c of CUES) {
  const first = c.phrase[0]!;
  const key = first.startsWith("~") ? `s:${first.slice(1)}` : `w:${first}`;
  CUES_BY_FIRST.set(key, [...(CUES_BY_FIRST.get(key) ?? []), c]);
}

function matchesAt(words: readonly string[], stems: readonly string[], i: number, phrase: readonly string[]): boolean {
  return phrase.every((p, j) => (p.startsWith("~") ? stems[i + j] === p.slice(1) : words[i + j] === p));
}

/** `words`: the normalized words of `text` (normalize.ts), when the caller has them already. */
export function classifyKind(text: string, words: readonly string[] = normalize(text).tokens): KindGuess {
  const stems = words.map(stem);
  const joined = words.join(" ");
  const score: Record<ReportKind, number> = { ...BASE };
  const evidence: Record<ReportKind, string[]> = { pengaduan: [], aspirasi: [], permintaan_informasi: [] };
  const add = (kind: ReportKind, weight: number, why: string) => {
    score[kind] += weight;
    if (!evidence[kind].includes(why)) evidence[kind].push(why);
  };
  const found = new Set<Cue>();
  for (let i = 0; i < words.length; i++) {
    for (const c of [...(CUES_BY_FIRST.get(`w:${words[i]}`) ?? []), ...(CUES_BY_FIRST.get(`s:${stems[i]}`) ?? [])]) {
      if (!found.has(c) && matchesAt(words, stems, i, c.phrase)) found.add(c);
    }
  }
  // in the order of CUES, so the evidence lists the strongest cues first
  for (const c of CUES) if (found.has(c)) add(c.kind, c.weight, c.phrase.join(" ").replace(/~/g, ""));
  const trimmed = text.trim();
  if (/\?\s*[\p{Extended_Pictographic}\s]*$/u.test(trimmed)) add("permintaan_informasi", 2, "?");
  else if (trimmed.includes("?")) add("permintaan_informasi", 1, "?");
  if (RHETORICAL.test(joined)) {
    add("pengaduan", 3, "pertanyaan retoris");
  }
  if (ANGRY.test(text)) add("pengaduan", 1, "emoji marah");

  const kinds = Object.keys(score) as ReportKind[];
  const best = kinds.reduce((a, b) => (score[b] > score[a] ? b : a));
  const total = kinds.reduce((sum, k) => sum + Math.exp(score[k] - score[best]), 0);
  const why = evidence[best].length ? evidence[best].slice(0, 5) : ["tanpa penanda lain: pengaduan"];
  return { kind: best, confidence: 1 / total, evidence: why };
}
