/**
 * Flags reports without substance, as the governor asked citizens to avoid, for the triage desk: the flags
 * and their reasons (in Indonesian) are shown to a person, who decides. Nothing is dropped, censored or
 * closed here.
 *
 *   - empty: no content word once greetings, tests, fillers, mentions and punctuation are set aside
 *     ("tes", "halo min", "p", "🙏🙏🙏");
 *   - abusive: profanity or insults, also obfuscated ("anj*ng", "b4ngsat", "g0bl0k", "bngst"); words that
 *     are also animals ("anjing", "babi", "monyet", "tai") count only without an animal context
 *     ("anjing galak menggigit" is a report, "dinas anjing" is abuse);
 *   - spam: promotion (gambling, loans, sales words with a link or a phone number), a run of one character,
 *     the same text repeated, or shouting in capitals with nothing in it;
 *   - subjective: an opinion ("payah", "tidak becus", "kecewa", "pencitraan") with nothing concrete to act
 *     on: no object a unit could fix (a road, a drain, a school, a price), no place (a street, RT/RW, a
 *     named place), no event (a time, a date, "kemarin"), no number. A detailed complaint that also
 *     judges ("jalan rusak, dinas tidak becus") is not flagged subjective.
 */
import type { SubstanceFlag } from "./triage.ts";
import { normalize } from "./normalize.ts";
import { stem } from "./stemmer.ts";
import { isStopword } from "./stopwords.ts";

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/** Not content: tests, greetings, interjections and words about the act of writing. */
const FILLER = words(`
  tes test testing coba cek ping p halo hallo hai hello hi hei hey woi oi hoi oy pagi siang sore malam
  assalamualaikum salam selamat permisi maaf ok oke okay sip siap thanks terima kasih makasih
  balas bales respon jawab lapor laporan dong cepat cepet please plis tolong mohon admin min
  `);

/** "hahaha", "wkwkwk", "hehe" */
const LAUGHTER = /^(?:h[aeiou]){2,}h?$|^w?(?:kw)+k?$/;

/** Insults and profanity, in the forms people type them (doubled letters folded: see fold()). */
const PROFANITY = words(`
  anjing anjg anjng ajg anjink njing bangsat bangsad bgst bngst bngsat bajingan brengsek bangke keparat bedebah
  kampret kunyuk monyet babi tai taik tahi goblok goblog gblk gblg tolol bego bodoh idiot dungu
  kontol kntl memek ngentot ngentod ngewe jancuk jancok dancuk pepek lonte sundal kadrun cebong
  `);

/** Insults that are also animals or dung: abusive only without an animal context. */
const ANIMAL_WORDS = words("anjing monyet babi tai taik tahi kunyuk");
const ANIMAL_CONTEXT = words(`
  liar galak pelihara peliharaan gigit menggigit digigit rabies kotoran ternak peternakan daging lepas
  dilepas kandang ekor hewan binatang kucing ayam burung sapi kambing tikus ular nyakar mencakar mati bangkai
  `);

/**
 * Promotion: spam when 2 x (gambling/scam words) + (sales words) + (a link) + (a phone number) >= 3, i.e. a
 * gambling word with a link, a number or a sales word, or three sales signals; "pinjol" or "judi" alone in a
 * complaint is not spam.
 */
const SPAM_STRONG = words("gacor maxwin togel deposit scatter jackpot judol");
const SPAM_PHRASES_STRONG = ["new member", "link alternatif", "slot online", "daftar sekarang", "selamat nomor anda"];
const PROMO = words("promo diskon murah cashback cicilan kredit jual dijual pinjol pinjaman followers klik order hadiah klaim terpercaya slot");
const PROMO_PHRASES = ["hubungi wa", "hub wa", "tanpa jaminan", "proses cepat", "langsung cair", "dp 0"];

/** Judgement words: "payah", "tidak becus", "kecewa" ... (stems or phrases of the normalized text). */
const OPINION = words(`
  payah becus buruk jelek bobrok gagal korup korupsi pencitraan omdo bohong kecewa muak benci sesal nyesel
  semrawut amburadul malas percuma profesional nyaman parah lambat lelet lemot
  `);
const OPINION_PHRASES = ["gaji buta", "omong kosong", "janji saja", "tidak benar", "tidak guna", "tidak berguna", "ganti saja"];

/** Things a unit can act on (stems): if one is named, the report has an object. */
const CONCRETE = words(`
  jalan aspal lubang trotoar lampu pju tiang kabel listrik gardu got selokan saluran kali sungai banjir genang
  sampah tps limbah asap bau pohon dahan ranting taman rptra parkir jukir halte bus busway transjakarta angkot
  mikrotrans kereta stasiun terminal rambu marka pkl pedagang lapak gerobak bangun gedung ruko rumah pagar
  hidran apar damkar bakar puskesmas obat nyamuk dbd fogging sekolah guru murid kjp ppdb ktp kk nik akta
  dukcapil bansos gelandang emis odgj pam pipa meter tagih air toilet mck pos gang jembatan pasar harga
  website aplikasi jaki sistem error kantor pungli pungut uang biaya surat antre antri
  `);

/** A time, a date or a moment: something happened. */
const EVENT = words("kemarin tadi semalam tanggal pukul jam minggu bulan sejak barusan subuh");

export function substanceFlags(text: string): SubstanceFlag[] {
  const { tokens, stripped } = normalize(text);
  const content = tokens.filter((w) => !isStopword(w) && !FILLER.has(w) && !LAUGHTER.test(w));
  const stems = content.map(stem);
  const joined = ` ${tokens.join(" ")} `;
  const flags: SubstanceFlag[] = [];

  const abuse = abusiveWords(text);
  if (abuse.length) {
    flags.push({ kind: "abusive", reason: `Mengandung kata kasar atau makian: ${abuse.map((w) => `"${w}"`).join(", ")}.` });
  }

  const spam = spamReason(text, tokens, content.length, stripped);
  if (spam) flags.push({ kind: "spam", reason: spam });
  else if (content.length === 0) {
    flags.push({ kind: "empty", reason: "Tidak ada isi laporan: hanya salam, tes, sapaan, mention, emoji atau tanda baca." });
  }

  if (!spam && content.length > 0 && content.length <= 15) {
    const opinions = [
      ...content.filter((w, i) => OPINION.has(w) || OPINION.has(stems[i]!)),
      ...OPINION_PHRASES.filter((p) => joined.includes(` ${p} `)),
    ];
    if (opinions.length && !isConcrete(text, tokens, stems)) {
      flags.push({
        kind: "subjective",
        reason: `Hanya pendapat (${[...new Set(opinions)].slice(0, 3).map((w) => `"${w}"`).join(", ")}) tanpa objek, lokasi atau kejadian yang dapat ditindaklanjuti.`,
      });
    }
  }
  return flags;
}

/** Doubled letters folded ("goblokk" -> "goblok", "anjjing" -> "anjing"). */
const fold = (w: string) => w.replace(/([a-z])\1+/g, "$1");
const FOLDED_PROFANITY = new Map([...PROFANITY].map((w) => [fold(w), w]));
const LEET: Record<string, string> = { "4": "a", "@": "a", "1": "i", "!": "i", "0": "o", "3": "e", "5": "s", $: "s", "7": "t" };

/** The words of the raw text that are insults, as the citizen typed them. */
function abusiveWords(text: string): string[] {
  if (/\u{1F595}/u.test(text)) return ["🖕"];
  const raw = text
    .toLowerCase()
    .split(/[\s,.;:?()"'/\\[\]{}<>|+=~`^&%#-]+/)
    .filter((w) => w && !w.startsWith("@"))
    .map((w) => w.replace(/^[^a-z0-9*]+|[^a-z0-9*]+$/g, ""))
    .filter(Boolean);
  const plain = raw.map((w) => fold(w.replace(/[^a-z]/g, "")));
  const found: string[] = [];
  raw.forEach((token, i) => {
    const word = profanityOf(token);
    if (!word) return;
    if (ANIMAL_WORDS.has(word)) {
      const near = plain.slice(Math.max(0, i - 3), i + 4);
      if (near.some((w) => ANIMAL_CONTEXT.has(w) || ANIMAL_CONTEXT.has(stem(w)))) return;
    }
    if (!found.includes(token)) found.push(token);
  });
  return found.slice(0, 3);
}

/** The listed insult a raw token is (after undoing leetspeak and masking), or null. */
function profanityOf(token: string): string | null {
  if (!/[a-z]/.test(token)) return null;
  const unleet = token.replace(/[4@1!0357$]/g, (c) => LEET[c] ?? c).replace(/[^a-z*]/g, "");
  const folded = fold(unleet);
  if (!folded.includes("*")) return FOLDED_PROFANITY.get(folded) ?? null;
  // masked letters: "anj*ng", "k*nt*l", "bangs**"
  const pattern = new RegExp(`^${folded.replace(/\*+/g, "[a-z]{1,2}")}$`);
  for (const [f, w] of FOLDED_PROFANITY) if (f.length >= 4 && pattern.test(f)) return w;
  return null;
}

function spamReason(text: string, tokens: string[], contentWords: number, stripped: { urls: number; phones: number }): string | null {
  const joined = ` ${tokens.join(" ")} `;
  const strong = tokens.filter((w) => SPAM_STRONG.has(w)).length + SPAM_PHRASES_STRONG.filter((p) => joined.includes(` ${p} `)).length;
  const promo = tokens.filter((w) => PROMO.has(w)).length + PROMO_PHRASES.filter((p) => joined.includes(` ${p} `)).length;
  const contact = (stripped.urls > 0 ? 1 : 0) + (stripped.phones > 0 || /\bwa\.me\b/i.test(text) ? 1 : 0);
  if (strong + promo > 0 && 2 * strong + promo + contact >= 3) {
    return "Promosi atau penipuan (judi, pinjaman, jualan) dengan tautan atau nomor kontak, bukan laporan.";
  }
  if (/([^\s\d])\1{7,}/u.test(text) && contentWords <= 1) return "Karakter yang sama diulang tanpa isi laporan.";
  if (isRepeated(tokens)) return "Teks yang sama diulang-ulang.";
  const letters = text.replace(/[^\p{L}]/gu, "");
  const capitals = text.replace(/[^\p{Lu}]/gu, "");
  if (letters.length >= 5 && capitals.length / letters.length >= 0.8 && contentWords === 0) {
    return "Teriakan huruf kapital tanpa isi laporan.";
  }
  return null;
}

/** Four words or more that are one shorter sequence repeated ("laporan laporan laporan", "a b a b a b"). */
function isRepeated(tokens: string[]): boolean {
  if (tokens.length < 4) return false;
  for (let period = 1; period <= tokens.length / 2; period++) {
    if (tokens.every((w, i) => i < period || w === tokens[i - period])) return true;
  }
  return false;
}

/** Names an object, a place or an event (see the file header). */
function isConcrete(text: string, tokens: string[], stems: string[]): boolean {
  if (/\d/.test(text.replace(/@\w+/g, ""))) return true;
  if (stems.some((s) => CONCRETE.has(s)) || tokens.some((w) => CONCRETE.has(w) || EVENT.has(w))) return true;
  if (/\b(rt|rw|gang|kelurahan|kecamatan|kampung|depan|dekat|samping|belakang)\b/.test(tokens.join(" "))) return true;
  // a capitalised word inside a sentence that is not the city or its government: a named place or body
  const GENERIC = /^(Jakarta|DKI|Pemprov|Pemda|Pemkot|Pemerintah|Provinsi|Gubernur|Wagub|Dinas|Kota|Saya|Kami|Pak|Bu|Bapak|Ibu|Lurah|Camat)$/;
  return text
    .split(/(?<=[.!?])\s+/)
    .some((sentence) => sentence.split(/\s+/).slice(1).some((w) => /^\p{Lu}\p{Ll}+/u.test(w) && !GENERIC.test(w.replace(/[^\p{L}]/gu, ""))));
}
