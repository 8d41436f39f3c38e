/**
 * Turns a citizen's message, formal or SMS or tweet style, into standard-Indonesian lowercase words:
 *
 *   1. hashtags are kept as words ("#JalanRusak" -> "jalan rusak", "#banjirjakarta" -> "banjir jakarta");
 *   2. URLs, e-mail addresses, @mentions and phone numbers are removed (and counted, for substance.ts);
 *   3. reduplication is folded ("bolong2", "retak-retak" -> one word; "ugal-ugalan" -> "ugalan");
 *   4. runs of a letter are collapsed ("parahhh" -> "parah", "bgttt" -> "bgt", "maaaf" -> "maaf");
 *   5. a "di"/"ke" glued to a place noun is split ("dijalan" -> "di jalan", "kepasar" -> "ke pasar"),
 *      never to a verb ("dipakai", "ketahuan" stay whole);
 *   6. SMS and tweet spellings are expanded through SLANG ("gk" -> "tidak", "dpn" -> "depan");
 *   7. numbers are dropped: house numbers, RT/RW, kilometres, money and times identify a place or an
 *      amount (which the place and substance checks read from the raw text), never a category; a unit
 *      glued to a number survives as a word ("200rb" -> "ribu", "3lt" -> "lantai").
 * Emoji and punctuation are dropped (report-kind.ts reads the raw "?").
 */
import { ROOT_WORDS } from "./stemmer.ts";

/**
 * SMS / tweet spellings -> standard Indonesian. Every entry is a form seen in Jakarta complaint
 * channels; a value may be several words. Grouped by why the form exists.
 */
export const SLANG: Readonly<Record<string, string>> = {
  // negation and aspect: the most frequent abbreviations of all
  g: "tidak", ga: "tidak", gk: "tidak", gak: "tidak", ngga: "tidak", nggak: "tidak", enggak: "tidak", engga: "tidak",
  kagak: "tidak", tdk: "tidak", tak: "tidak", gx: "tidak",
  blm: "belum", blom: "belum", belom: "belum",
  udh: "sudah", udah: "sudah", sdh: "sudah", dah: "sudah", udahan: "sudah",
  lg: "lagi", msh: "masih", mash: "masih", sdg: "sedang", lgi: "lagi",
  // function words dropped to consonants
  yg: "yang", dgn: "dengan", dg: "dengan", utk: "untuk", untk: "untuk", krn: "karena", karna: "karena", krna: "karena",
  dr: "dari", dri: "dari", pd: "pada", sm: "sama", ama: "sama", tp: "tetapi", tapi: "tetapi", jg: "juga",
  aja: "saja", doang: "saja", klo: "kalau", kl: "kalau", kalo: "kalau", ato: "atau", atw: "atau",
  spt: "seperti", kyk: "seperti", kayak: "seperti", kek: "seperti", tsb: "tersebut", ttg: "tentang", dll: "dan lain lain",
  smp: "sampai", sampe: "sampai", ampe: "sampai", trs: "terus", trus: "terus", emg: "memang", emang: "memang",
  jd: "jadi", jdi: "jadi", bs: "bisa", bsa: "bisa", hrs: "harus", dpt: "dapat", bnyk: "banyak", byk: "banyak",
  bgt: "banget", bngt: "banget", bener: "benar", cm: "cuma",
  // pronouns and address
  sy: "saya", aq: "saya", aku: "saya", gw: "saya", gue: "saya", gua: "saya", lu: "kamu", lo: "kamu", elu: "kamu",
  bpk: "bapak", mimin: "admin", org: "orang",
  // requests
  tlg: "tolong", tolongin: "tolong", mhn: "mohon", mksh: "terima kasih", makasih: "terima kasih", trims: "terima kasih",
  // questions
  gmn: "bagaimana", gimana: "bagaimana", knp: "kenapa", napa: "kenapa", kpn: "kapan", brp: "berapa", dmn: "di mana",
  kmn: "ke mana", kemana: "ke mana", dimana: "di mana", tny: "tanya", tnya: "tanya", nanya: "tanya",
  // time
  td: "tadi", tdi: "tadi", kmrn: "kemarin", kemaren: "kemarin", skrg: "sekarang", skr: "sekarang", skrang: "sekarang",
  bln: "bulan", thn: "tahun", hr: "hari", mlm: "malam", malem: "malam", sblm: "sebelum", stlh: "setelah",
  // places and addresses
  jl: "jalan", jln: "jalan", jalanan: "jalan", gg: "gang", kp: "kampung", kmpg: "kampung", rmh: "rumah",
  kel: "kelurahan", kec: "kecamatan", dpn: "depan", blkg: "belakang", blakang: "belakang", dkt: "dekat",
  deket: "dekat", sblh: "sebelah", prapatan: "perempatan", rusun: "rumah susun", sklh: "sekolah", skolah: "sekolah",
  jaktim: "jakarta timur", jakbar: "jakarta barat", jaksel: "jakarta selatan", jakut: "jakarta utara",
  jakpus: "jakarta pusat", lt: "lantai", rb: "ribu", jt: "juta",
  // city services and vehicles (the service named, not its nickname)
  lalin: "lalu lintas", tj: "transjakarta", ojol: "ojek online", bangli: "bangunan liar", sudin: "suku dinas",
  bnjr: "banjir", smph: "sampah", sampa: "sampah",
  // Jakarta colloquial verbs and adjectives -> the standard word
  bolong: "lubang", ancur: "hancur", gede: "besar", item: "hitam", jatoh: "jatuh", ujan: "hujan", rame: "ramai",
  mabok: "mabuk", mampet: "tersumbat", ngalir: "mengalir", numpuk: "menumpuk", nutup: "menutup", ketutup: "tertutup",
  nyangkut: "tersangkut", ketabrak: "tertabrak", kebakar: "terbakar", ngamen: "mengamen", ngemis: "mengemis",
  ngangkut: "mengangkut", ngelupas: "mengelupas", dateng: "datang", dtg: "datang", nunggu: "menunggu",
  liat: "lihat", lht: "lihat", pake: "pakai", dipake: "dipakai", bikin: "buat", dibikin: "dibuat",
  benerin: "perbaiki", dibenerin: "diperbaiki", ngebut: "kebut", nyebrang: "menyeberang", nyala: "menyala",
  abis: "habis", naro: "taruh", ilang: "hilang", copot: "lepas", ambles: "amblas", nyolong: "mencuri",
  dlm: "dalam", lwt: "lewat", sndiri: "sendiri", pny: "punya",
};

/** Place nouns a glued "di"/"ke" may precede ("dijalan", "dipinggir", "kepasar"). */
const PLACE_NOUNS: ReadonlySet<string> = new Set(
  `jalan gang depan belakang samping sebelah seberang dekat sekitar pinggir ujung tengah pojok atas bawah dalam
   luar sini situ sana mana rumah kampung komplek kompleks perumahan taman pasar sekolah kantor halte stasiun
   terminal kali sungai got selokan trotoar jembatan kolong perempatan pertigaan simpang lampu masjid musholla
   mushola gereja puskesmas kelurahan kecamatan rt rw lokasi wilayah kawasan area daerah lapangan tol flyover
   underpass bantaran pintu parkiran rusun apartemen mall toko warung ruko pabrik tps gedung jalur lajur median
   bahu tikungan`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words with a genuine double letter, kept when a longer run is collapsed ("maaaf" -> "maaf"). */
const DOUBLE_LETTER_WORDS: ReadonlySet<string> = new Set(["maaf", "saat", "taat", "manfaat", "jumaat"]);

/** Words a lowercase hashtag may be made of, besides the stemmer's roots. */
const HASHTAG_WORDS: ReadonlySet<string> = new Set([
  ...ROOT_WORDS, "jakarta", "dki", "warga", "kota", "gelap", "berlubang", "rusak", "macet", "sampah", "banjir",
]);

export interface Normalized {
  /** standard-Indonesian lowercase words, in order */
  tokens: string[];
  /** what was removed, for the substance checks */
  stripped: { urls: number; emails: number; mentions: number; phones: number };
}

const URL_RE = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|id|co|net|org|ly|me|io|xyz|info|biz|site|online|link|gg)(?:\/\S*)?/gi;
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const MENTION_RE = /(^|[^\w@])@\w+/g;
const PHONE_RE = /(?<![\d.,])(?:\+?62[\s-]?|\(?0)\d[\d\s().-]{6,}\d/g;
const HASHTAG_RE = /#(\w+)/g;

/** "JalanRusak" -> "Jalan Rusak"; a lowercase run is split into known words when it can be. */
function hashtagWords(tag: string): string {
  const camel = tag.replace(/([a-z])([A-Z])/g, "$1 $2");
  if (camel !== tag) return camel;
  return segment(tag.toLowerCase()) ?? tag;
}

/** Splits a run of letters into known words of three letters or more (fewest words), or null. */
function segment(s: string): string | null {
  if (HASHTAG_WORDS.has(s)) return s;
  const best: Array<string[] | null> = new Array<string[] | null>(s.length + 1).fill(null);
  best[0] = [];
  for (let end = 3; end <= s.length; end++) {
    for (let start = 0; start <= end - 3; start++) {
      const before = best[start];
      const word = s.slice(start, end);
      if (before && HASHTAG_WORDS.has(word) && (!best[end] || best[end]!.length > before.length + 1)) {
        best[end] = [...before, word];
      }
    }
  }
  return best[s.length]?.join(" ") ?? null;
}

/** "retak-retak" -> "retak", "ugal-ugalan" -> "ugalan", "dicoret-coret" -> "dicoret", "e-ktp" -> "e ktp". */
function foldHyphen(a: string, b: string): string {
  if (b.startsWith(a)) return b;
  if (a.endsWith(b)) return a;
  return `${a} ${b}`;
}

function collapseRuns(word: string): string {
  if (!/([a-z])\1/.test(word)) return word;
  const single = word.replace(/([a-z])\1{2,}/g, "$1");
  const double = word.replace(/([a-z])\1{2,}/g, "$1$1");
  if (DOUBLE_LETTER_WORDS.has(double)) return double;
  // a doubled last letter is emphasis ("parahh", "bgtt"); short abbreviations such as "kk" keep theirs
  return single.length >= 4 && /([a-z])\1$/.test(single) ? single.slice(0, -1) : single;
}

function expandWord(word: string, out: string[]): void {
  const expanded = SLANG[word];
  if (expanded !== undefined) {
    for (const w of expanded.split(" ")) out.push(w);
    return;
  }
  for (const prefix of ["di", "ke"]) {
    if (word.length > prefix.length + 1 && word.startsWith(prefix)) {
      const rest = word.slice(prefix.length);
      const restWord = SLANG[rest] ?? rest;
      if (PLACE_NOUNS.has(restWord.split(" ")[0]!)) {
        out.push(prefix);
        for (const w of restWord.split(" ")) out.push(w);
        return;
      }
    }
  }
  out.push(word);
}

export function normalize(raw: string): Normalized {
  const stripped = { urls: 0, emails: 0, mentions: 0, phones: 0 };
  let text = raw.replace(HASHTAG_RE, (_m, tag: string) => ` ${hashtagWords(tag)} `);
  text = text.replace(EMAIL_RE, () => (stripped.emails++, " "));
  text = text.replace(URL_RE, () => (stripped.urls++, " "));
  text = text.replace(MENTION_RE, (_m, before: string) => (stripped.mentions++, `${before} `));
  text = text.replace(PHONE_RE, (m) => {
    if (m.replace(/\D/g, "").length < 9) return m;
    stripped.phones++;
    return " ";
  });
  text = text.toLowerCase();
  text = text.replace(/([a-z]+)-([a-z]+)/g, (_m, a: string, b: string) => foldHyphen(a, b));
  text = text.replace(/([a-z]{2,})2(an|nya)?\b/g, "$1$2");
  text = text.replace(/(\d)([a-z])/g, "$1 $2").replace(/([a-z])(\d)/g, "$1 $2");
  const tokens: string[] = [];
  for (const piece of text.split(/[^a-z0-9]+/)) {
    if (!piece || /^\d+$/.test(piece)) continue;
    expandWord(collapseRuns(piece), tokens);
  }
  return { tokens, stripped };
}

/** The normalized words as one string. */
export function normalizeText(raw: string): string {
  return normalize(raw).tokens.join(" ");
}
