/**
 * Text -> place for reports without coordinates: an Indonesian gazetteer of the deployment's
 * kelurahan, kecamatan and kota names, their spelling variants, families of names ("Semper" for
 * Semper Barat and Semper Timur), landmarks with a checked kelurahan, and the neighbouring cities.
 *
 * locateText normalizes the message (case, punctuation, Jl./Gg./Kel./Kec./Kab./Jak- prefixes, SMS
 * spellings), finds the longest n-gram matches (spaces ignored inside a name: "Kramat Jati" =
 * "Kramatjati"), reads the word before a match ("Kel." / "SDN 03" / "Kec." / "Jl."), uses kecamatan
 * and kota mentions to confirm or demote kelurahan candidates, and returns up to three candidates
 * with confidences. A bare name that is both a kelurahan and a kecamatan ("Kebon Jeruk") is not
 * enough to route on: it yields the same-named kelurahan as a candidate below the threshold and a
 * kecamatan-level `area` hint. Pure: the caller passes the region names and the parsed JSON files.
 */
import type { PlaceGuess, PlaceResult } from "../triage/triage.ts";

/**
 * Confidence at or above which a text guess is routed without a person. Chosen on the tuning half
 * of data/triage/places-eval.jsonl (88 messages): accuracy peaks at 79/88 with every auto-placed
 * guess right for thresholds 0.65-0.70; at 0.60 a misroute appears (98 % right), at 0.50 six (90 %);
 * from 0.75 right guesses start going to triage, at 0.90 a third of them. 0.70 keeps a bare name
 * that is also a kecamatan name ("Kebon Jeruk", 0.55; 0.69 with a matching kota) and split
 * landmarks below it, and bare distinctive kelurahan names (0.85) above it.
 */
export const PLACE_CONFIDENCE_THRESHOLD = 0.7;

/** A region from the deployment's code list; level and parent follow from the Kemendagri code. */
export interface GazetteerRegion {
  code: string;
  name: string;
}

/** data/reference/gazetteer/aliases.json */
export interface AliasFile {
  /** extra spellings per kelurahan / kecamatan / kota code */
  kelurahan: Record<string, string[]>;
  kecamatan: Record<string, string[]>;
  kota: Record<string, string[]>;
  /** kelurahan whose official name alone is a common word or names a bigger area elsewhere: code -> why */
  weak: Record<string, string>;
  /** neighbouring city or regency -> how people write it */
  neighbours: Record<string, string[]>;
}

export interface Landmark {
  id: string;
  /** how people write it; normalized like the messages */
  names: string[];
  /** the kelurahan the point locator gives at (lat, lon); several when another lies within 30 m */
  kelurahan: string[];
  lat: number;
  lon: number;
  kind: string;
  source: string;
  /** how sure a mention is of the place (default 0.9); split across `kelurahan` when several */
  confidence?: number;
  /** a place drawn as several points ([lat, lon]); `kelurahan` covers all of them */
  points?: Array<[number, number]>;
  /** a street's course ([lat, lon]); `kelurahan` is every kelurahan within 40 m of it */
  path?: Array<[number, number]>;
}

export interface GazetteerInput {
  regions: ReadonlyArray<GazetteerRegion>;
  /** only regions under this province code are read (e.g. "31"); all when omitted */
  provinceCode?: string;
  aliases: AliasFile;
  landmarks: ReadonlyArray<Landmark>;
}

/** A kecamatan or kota named in the text: what the triage desk can start from when no kelurahan is clear. */
export interface AreaHint {
  level: "kecamatan" | "kota";
  code: string;
  name: string;
  evidence: string;
}

/** PlaceResult plus the area hint (PlaceResult has no field for a kecamatan-level answer). */
export interface TextPlaceResult extends PlaceResult {
  area: AreaHint | null;
}

type EntryKind = "kelurahan" | "kecamatan" | "kota" | "landmark" | "family" | "neighbour";

interface Entry {
  kind: EntryKind;
  /** region codes (kelurahan for kelurahan/landmark/family, else the region itself); neighbour: its name */
  codes: string[];
  weight: number;
  weak: boolean;
}

export interface Gazetteer {
  /** concatenated normalized tokens of a name -> what it names */
  readonly exact: ReadonlyMap<string, ReadonlyArray<Entry>>;
  /** one-deletion variants of long keys -> keys (for one-typo matches) */
  readonly deletions: ReadonlyMap<string, ReadonlyArray<string>>;
  /** key -> its tokens (a typo must stay inside one long token) */
  readonly keyTokens: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly names: ReadonlyMap<string, string>;
  readonly maxTokens: number;
}

// ---------------------------------------------------------------------------------------------
// Normalization

/** Abbreviations and SMS spellings -> one canonical token (applied to names and messages alike). */
const TOKEN_MAP: Readonly<Record<string, string>> = {
  jl: "jalan", jln: "jalan", jaln: "jalan", jalan: "jalan", jend: "jenderal", jendral: "jenderal",
  gg: "gang",
  kel: "kelurahan", kelurahan: "kelurahan", klurahan: "kelurahan", kelurhn: "kelurahan", kelrhn: "kelurahan",
  kelurahn: "kelurahan", lurah: "kelurahan",
  kec: "kecamatan", kecamatan: "kecamatan", kecamtan: "kecamatan", kcmtn: "kecamatan", kecmtn: "kecamatan",
  kcm: "kecamatan", camat: "kecamatan",
  kab: "kabupaten", kabupaten: "kabupaten", kodya: "kota", kotamadya: "kota", walikota: "kota", pemkot: "kota",
  jkt: "jakarta", jak: "jakarta", dki: "dki",
  kep: "kepulauan", kepl: "kepulauan",
  tj: "tanjung", tg: "tanjung", tjg: "tanjung", tanjong: "tanjung",
  pd: "pondok", pdk: "pondok",
  kp: "kampung", kpg: "kampung", kmp: "kampung", kampong: "kampung",
  kb: "kebon", kbn: "kebon", kebun: "kebon",
  ps: "pasar", psr: "pasar",
  st: "stasiun", sta: "stasiun", stas: "stasiun", stsn: "stasiun", stasion: "stasiun",
  mal: "mall", mol: "mall",
  term: "terminal", trminal: "terminal",
  gd: "gedung",
};

/** "jaksel" and friends: one token for a kota. */
const COMPOUNDS: Readonly<Record<string, readonly string[]>> = {
  jaksel: ["jakarta", "selatan"],
  jakbar: ["jakarta", "barat"],
  jaktim: ["jakarta", "timur"],
  jakut: ["jakarta", "utara"],
  jakpus: ["jakarta", "pusat"],
  jakpur: ["jakarta", "pusat"],
  tangsel: ["tangerang", "selatan"],
};

/** Abbreviated compass words, expanded only right after a word ("Cempaka Putih Tim.", "Jakarta Sel"). */
const DIRECTIONS: Readonly<Record<string, string>> = {
  sel: "selatan", slt: "selatan", sltn: "selatan", sltan: "selatan", selatan: "selatan",
  bar: "barat", brt: "barat", brat: "barat", barat: "barat",
  tim: "timur", tmr: "timur", tmur: "timur", timur: "timur",
  ut: "utara", utr: "utara", utara: "utara",
  pus: "pusat", pst: "pusat", pusat: "pusat",
};

const isDigits = (t: string): boolean => /^[0-9]+$/.test(t);
/** Words that say what the next name is (and are never expanded as a compass word after them). */
const MARKERS = new Set(["jalan", "gang", "kelurahan", "kecamatan", "kota", "kabupaten", "sdn"]);
const STREET = new Set(["jalan", "gang", "jalur", "flyover", "tol"]);

/**
 * The message as canonical tokens: lowercase ASCII words and digit runs, abbreviations expanded
 * ("Jl." -> "jalan", "Kel." -> "kelurahan", "Jaksel" -> "jakarta selatan", "SD Negeri" -> "sdn").
 */
export function normalizeTokens(text: string): string[] {
  const raw = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/([a-z])([0-9])/g, "$1 $2")
    .replace(/([0-9])([a-z])/g, "$1 $2")
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
  const out: string[] = [];
  for (const token of raw) {
    const compound = COMPOUNDS[token];
    if (compound) {
      out.push(...compound);
      continue;
    }
    const previous = out[out.length - 1];
    const direction = DIRECTIONS[token];
    if (direction && previous !== undefined && !isDigits(previous) && !MARKERS.has(previous)) {
      out.push(direction);
      continue;
    }
    if ((token === "negeri" || token === "n") && previous === "sd") {
      out[out.length - 1] = "sdn";
      continue;
    }
    out.push(TOKEN_MAP[token] ?? token);
  }
  return out;
}


/** Names as they are written in the code list -> the part people say ("Kota Administrasi Jakarta Pusat" -> "Jakarta Pusat"). */
function spokenName(name: string): string {
  return name.replace(/^(kota administrasi|kabupaten administrasi|kota|kabupaten|kab\.?)\s+/i, "");
}

const keyOf = (tokens: ReadonlyArray<string>): string => tokens.join("");

// ---------------------------------------------------------------------------------------------
// Building

const FAMILY_SUFFIXES = new Set(["barat", "timur", "utara", "selatan"]);
const MIN_FUZZY_KEY = 7;

/** Builds the gazetteer from the deployment's region names, the alias file and the landmarks. */
export function buildGazetteer(input: GazetteerInput): Gazetteer {
  const exact = new Map<string, Entry[]>();
  const keyTokens = new Map<string, string[]>();
  const names = new Map<string, string>();
  let maxTokens = 1;

  const add = (text: string, entry: Entry) => {
    const tokens = normalizeTokens(text);
    if (tokens.length === 0) return;
    maxTokens = Math.max(maxTokens, tokens.length);
    const key = keyOf(tokens);
    if (!keyTokens.has(key)) keyTokens.set(key, tokens);
    const list = exact.get(key) ?? [];
    const same = list.find((e) => e.kind === entry.kind && e.codes.join() === entry.codes.join());
    if (!same) list.push(entry);
    exact.set(key, list);
  };
  const numberVariants = (name: string): string[] => {
    const swapped = name.replace(/\bdua\b/gi, "2").replace(/\btiga\b/gi, "3");
    return swapped === name ? [name] : [name, swapped];
  };

  const regions = input.regions.filter((r) => !input.provinceCode || r.code === input.provinceCode || r.code.startsWith(`${input.provinceCode}.`));
  const levelOf = (code: string) => code.split(".").length;
  const kelurahan = regions.filter((r) => levelOf(r.code) === 4);
  for (const r of regions) names.set(r.code, r.name);

  for (const r of regions) {
    const level = levelOf(r.code);
    if (level === 4) {
      const weak = r.code in input.aliases.weak;
      for (const n of numberVariants(r.name)) add(n, { kind: "kelurahan", codes: [r.code], weight: 1, weak });
      for (const n of (input.aliases.kelurahan[r.code] ?? []).flatMap(numberVariants)) {
        add(n, { kind: "kelurahan", codes: [r.code], weight: 1, weak: false });
      }
    } else if (level === 3) {
      for (const n of [r.name, ...(input.aliases.kecamatan[r.code] ?? [])]) add(n, { kind: "kecamatan", codes: [r.code], weight: 1, weak: false });
    } else if (level === 2) {
      for (const n of [spokenName(r.name), ...(input.aliases.kota[r.code] ?? [])]) add(n, { kind: "kota", codes: [r.code], weight: 1, weak: false });
    }
  }

  // Families: "Semper" for Semper Barat + Semper Timur, unless the prefix is itself a name.
  const families = new Map<string, { text: string; codes: string[] }>();
  for (const r of kelurahan) {
    const words = r.name.split(/\s+/);
    const last = words[words.length - 1]?.toLowerCase();
    if (words.length < 2 || !last || !FAMILY_SUFFIXES.has(last)) continue;
    const prefix = words.slice(0, -1).join(" ");
    const key = keyOf(normalizeTokens(prefix));
    const family = families.get(key) ?? { text: prefix, codes: [] };
    family.codes.push(r.code);
    families.set(key, family);
  }
  for (const [key, family] of families) {
    if (exact.has(key) || family.codes.length < 2) continue;
    add(family.text, { kind: "family", codes: [...family.codes].sort(), weight: 0.8, weak: false });
  }

  for (const landmark of input.landmarks) {
    const codes = [...new Set(landmark.kelurahan)].sort();
    for (const n of landmark.names) add(n, { kind: "landmark", codes, weight: landmark.confidence ?? 0.9, weak: false });
  }
  for (const [name, spellings] of Object.entries(input.aliases.neighbours)) {
    for (const s of spellings) add(s, { kind: "neighbour", codes: [name], weight: 1, weak: false });
  }

  const deletions = new Map<string, string[]>();
  for (const [key, entries] of exact) {
    if (key.length < MIN_FUZZY_KEY || entries.every((e) => e.weak || e.kind === "neighbour")) continue;
    for (const variant of oneDeletions(key)) {
      const list = deletions.get(variant) ?? [];
      if (!list.includes(key)) list.push(key);
      deletions.set(variant, list);
    }
  }
  return { exact, deletions, keyTokens, names, maxTokens };
}

function oneDeletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/**
 * The key one edit (insertion, deletion or substitution) away from the words, when exactly one is
 * and the edit falls inside one word of at least MIN_TYPO_WORD letters ("cengkereng barat", "cempaka ptih" yes,
 * "pasar bau" -> "pasar baru" no).
 */
function fuzzyKey(g: Gazetteer, part: ReadonlyArray<string>): string | null {
  const s = keyOf(part);
  if (s.length < MIN_FUZZY_KEY) return null;
  const found = new Set<string>();
  for (const k of g.deletions.get(s) ?? []) found.add(k); // s = key with one letter deleted
  for (const variant of oneDeletions(s)) {
    if (g.exact.has(variant) && variant.length >= MIN_FUZZY_KEY) found.add(variant); // s = key plus one letter
    for (const k of g.deletions.get(variant) ?? []) if (k.length === s.length) found.add(k); // one substitution
  }
  const fitting = [...found].filter((k) => typoInOneLongWord(part, g.keyTokens.get(k) ?? []));
  return fitting.length === 1 ? (fitting[0] ?? null) : null;
}

const MIN_TYPO_WORD = 4;

function typoInOneLongWord(part: ReadonlyArray<string>, key: ReadonlyArray<string>): boolean {
  if (part.length !== key.length) return false;
  const differing = part.filter((w, i) => w !== key[i]);
  return differing.length === 1 && (differing[0] as string).length >= MIN_TYPO_WORD;
}

// ---------------------------------------------------------------------------------------------
// Locating

type Marker = "kelurahan" | "sdn" | "kecamatan" | "kota" | "street" | null;

interface Span {
  start: number;
  end: number;
  key: string;
  fuzzy: boolean;
  marker: Marker;
  /** where the evidence starts (the marker word, "sdn 03") */
  evidenceStart: number;
}

interface Candidate {
  code: string;
  score: number;
  span: number;
  /** a bare name that is also a kecamatan name: read as the kecamatan when another candidate lies in it */
  alsoKecamatan: string | null;
}

interface Mention {
  code: string;
  span: number;
  explicit: boolean;
}

/** Base confidences, by how the name was written. */
const SCORE = {
  markedKelurahan: 0.95,
  sdn: 0.9,
  bare: 0.85,
  bareAlsoKecamatan: 0.55,
  bareWeak: 0.3,
  street: 0.45,
  streetWeak: 0.2,
  misfiled: 0.5,
  fuzzyFactor: 0.85,
};

/** Guesses the kelurahan a message talks about. */
export function locateText(g: Gazetteer, text: string): TextPlaceResult {
  const tokens = normalizeTokens(text);
  const spans = findSpans(g, tokens);

  const candidates: Candidate[] = [];
  const kecamatan: Mention[] = [];
  const kota: Mention[] = [];
  const neighbours: string[] = [];

  spans.forEach((span, index) => {
    const entries = g.exact.get(span.key) ?? [];
    const of = (kind: EntryKind) => entries.filter((e) => e.kind === kind);
    const kel = of("kelurahan");
    const kec = of("kecamatan");
    const factor = span.fuzzy ? SCORE.fuzzyFactor : 1;
    const push = (code: string, score: number, alsoKecamatan: string | null = null) =>
      candidates.push({ code, score: score * factor, span: index, alsoKecamatan });
    const split = (entry: Entry, weight: number) => {
      for (const code of entry.codes) push(code, weight / entry.codes.length);
    };

    for (const e of of("kota")) if (span.marker !== "street") kota.push({ code: e.codes[0] as string, span: index, explicit: span.marker === "kota" });
    for (const e of of("landmark")) split(e, e.weight);
    for (const e of of("neighbour")) if (span.marker !== "street") neighbours.push(e.codes[0] as string);

    switch (span.marker) {
      case "kecamatan":
        for (const e of kec) kecamatan.push({ code: e.codes[0] as string, span: index, explicit: true });
        if (kec.length === 0) for (const e of kel) push(e.codes[0] as string, SCORE.misfiled);
        break;
      case "kelurahan":
      case "sdn":
        for (const e of kel) push(e.codes[0] as string, span.marker === "sdn" ? SCORE.sdn : SCORE.markedKelurahan);
        if (kel.length === 0) for (const e of kec) kecamatan.push({ code: e.codes[0] as string, span: index, explicit: true });
        for (const e of of("family")) split(e, SCORE.markedKelurahan);
        break;
      case "street":
        for (const e of kel) push(e.codes[0] as string, e.weak ? SCORE.streetWeak : SCORE.street);
        break;
      default: {
        const kecCode = kec[0]?.codes[0] ?? null;
        for (const e of kel) {
          const score = kecCode ? SCORE.bareAlsoKecamatan : e.weak ? SCORE.bareWeak : SCORE.bare;
          push(e.codes[0] as string, score, kecCode);
        }
        for (const e of kec) kecamatan.push({ code: e.codes[0] as string, span: index, explicit: false });
        for (const e of of("family")) split(e, e.weight);
      }
    }
  });

  // Context: a kecamatan or kota named elsewhere in the message confirms or demotes a candidate.
  for (const c of candidates) {
    if (c.alsoKecamatan && candidates.some((o) => o.span !== c.span && o.code.startsWith(`${c.alsoKecamatan}.`) && o.code !== c.code)) {
      c.score = 0; // "Duri Kepa, Kebon Jeruk": the second name is the kecamatan, not a kelurahan
      continue;
    }
    const kecs = kecamatan.filter((m) => m.span !== c.span);
    if (kecs.length > 0) c.score = kecs.some((m) => c.code.startsWith(`${m.code}.`)) ? c.score + (1 - c.score) * 0.6 : c.score * 0.5;
    const kotas = kota.filter((m) => m.span !== c.span);
    if (kotas.length > 0) c.score = kotas.some((m) => c.code.startsWith(`${m.code}.`)) ? c.score + (1 - c.score) * 0.3 : c.score * 0.5;
  }

  // Several mentions of one kelurahan add up (noisy-or); the strongest one is the evidence.
  const byCode = new Map<string, { p: number; top: Candidate }>();
  for (const c of candidates) {
    const current = byCode.get(c.code);
    if (!current) byCode.set(c.code, { p: c.score, top: c });
    else {
      current.p = 1 - (1 - current.p) * (1 - c.score);
      if (c.score > current.top.score) current.top = c;
    }
  }
  const ranked = [...byCode.entries()]
    .map(([code, v]) => ({ code, p: Math.min(v.p, 0.99), top: v.top }))
    .filter((r) => r.p > 0.01)
    .sort((a, b) => b.p - a.p || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const evidenceOf = (c: Candidate): string => {
    const span = spans[c.span] as Span;
    return tokens.slice(span.evidenceStart, span.end).join(" ");
  };
  // Another place named in the same message lowers each candidate by half the strongest rival.
  const guesses: PlaceGuess[] = ranked.slice(0, 3).map((r, i) => {
    const rival = i === 0 ? (ranked[1]?.p ?? 0) : (ranked[0]?.p ?? 0);
    return { kelurahanCode: r.code, confidence: round(Math.max(0, r.p - 0.5 * rival)), evidence: evidenceOf(r.top), source: "text" };
  });
  const first = guesses[0];
  const best = first && first.confidence >= PLACE_CONFIDENCE_THRESHOLD ? first : null;

  const strongKelurahan = ranked.some((r) => r.p >= 0.5);
  const outside = !strongKelurahan && kecamatan.length === 0 && kota.length === 0 && neighbours[0] ? { name: neighbours[0] } : null;
  return { best, candidates: guesses, outside, area: best ? null : areaHint(g, spans, tokens, kecamatan, kota) };
}

function areaHint(g: Gazetteer, spans: Span[], tokens: string[], kecamatan: Mention[], kota: Mention[]): AreaHint | null {
  const pick = (list: Mention[]) => list.find((m) => m.explicit) ?? list[0];
  const kec = pick(kecamatan);
  const mention = kec ?? pick(kota);
  if (!mention) return null;
  const span = spans[mention.span] as Span;
  return {
    level: kec ? "kecamatan" : "kota",
    code: mention.code,
    name: g.names.get(mention.code) ?? mention.code,
    evidence: tokens.slice(span.evidenceStart, span.end).join(" "),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Longest matches, left to right; exact first, then one-typo matches on what is left. */
function findSpans(g: Gazetteer, tokens: string[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (isDigits(tokens[i] as string)) continue;
    let found: { end: number; key: string; fuzzy: boolean } | null = null;
    const longest = Math.min(g.maxTokens, tokens.length - i);
    for (let len = longest; len >= 1 && !found; len--) {
      const part = tokens.slice(i, i + len);
      if (part.some(isDigits)) continue;
      const key = keyOf(part);
      if (g.exact.has(key)) found = { end: i + len, key, fuzzy: false };
    }
    for (let len = Math.min(3, longest); len >= 1 && !found; len--) {
      const part = tokens.slice(i, i + len);
      if (part.some((t) => isDigits(t) || MARKERS.has(t))) continue;
      const key = fuzzyKey(g, part);
      if (key) found = { end: i + len, key, fuzzy: true };
    }
    if (!found) continue;
    spans.push({ start: i, end: found.end, key: found.key, fuzzy: found.fuzzy, ...markerBefore(tokens, i, found.end) });
    i = found.end - 1;
  }
  return spans;
}

/** What the words around a match say about it: "Kel. X", "SDN 03 X", "Kec. X", "Kota X", "Jl. X (Raya)". */
function markerBefore(tokens: string[], start: number, end: number): { marker: Marker; evidenceStart: number } {
  const prev = tokens[start - 1];
  const prev2 = tokens[start - 2];
  if (prev === "kelurahan") return { marker: "kelurahan", evidenceStart: start - 1 };
  if (prev === "sdn" || prev === "sd") return { marker: "sdn", evidenceStart: start - 1 };
  if ((prev2 === "sdn" || prev2 === "sd") && prev !== undefined && isDigits(prev)) return { marker: "sdn", evidenceStart: start - 2 };
  if (prev === "kecamatan") return { marker: "kecamatan", evidenceStart: start - 1 };
  if (prev === "kota" || prev === "kabupaten") return { marker: "kota", evidenceStart: start - 1 };
  if ((prev !== undefined && STREET.has(prev)) || (prev === "raya" && prev2 !== undefined && STREET.has(prev2)) || tokens[end] === "raya") {
    return { marker: "street", evidenceStart: prev !== undefined && STREET.has(prev) ? start - 1 : start };
  }
  return { marker: null, evidenceStart: start };
}
