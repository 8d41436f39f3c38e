/**
 * Reply tweets to citizens: public, so they never carry personal data (emails and phone-like
 * numbers are masked; ticket numbers and links stay), and they fit Twitter's weighted length
 * (twitter-text v3: every URL counts 23, most Latin text 1 per code point, other scripts 2). Emoji are
 * counted per code point (2 each, ZWJ 1), more than Twitter's 2 per emoji: conservative, never over the limit.
 */

/** t.co wraps every link: a URL counts as this many characters, whatever its length. */
export const TWEET_URL_LENGTH = 23;

const ELLIPSIS = "…";
const SCREEN_NAME_RE = /^[A-Za-z0-9_]{1,15}$/;

/** twitter-text v3 ranges of weight 1 (everything else weighs 2). */
const LIGHT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

const EMAIL_SRC = String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;
/** with a scheme, or a bare domain with a known-looking TLD (twitter-text links those too) */
const URL_SRC = String.raw`(?:https?:\/\/[^\s<>"]+|(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:id|com|org|net|go\.id|co|io|me|ly|gov|info|biz)\b(?:\/[^\s<>"]*)?)`;
const TICKET_SRC = String.raw`\b[A-Za-z]{2,6}[\s-]?\d{6}[\s-]?\d{4,6}\b`;
/** a run of 8+ digits with spaces, dots, dashes or parentheses between them, optionally after + */
const NUMBER_SRC = String.raw`(?<![\w+])\+?\d(?:[\s.()-]{0,2}\d){7,}(?!\w)`;

const URL_TRAILING_PUNCT = /[.,;:!?)\]}'"]+$/;

function isThousandsOrDate(s: string): boolean {
  return /^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(s);
}

/** Masks emails ("[email]") and phone / ID / account numbers ("[nomor]"); tickets and URLs stay. */
export function maskPersonalData(text: string): string {
  // emails first, everywhere (even inside a URL's query)
  const noEmails = text.replace(new RegExp(EMAIL_SRC, "g"), "[email]");
  const re = new RegExp(`(${URL_SRC})|(${TICKET_SRC})|(${NUMBER_SRC})`, "g");
  return noEmails.replace(re, (match: string, url: string | undefined, ticket: string | undefined) => {
    if (url !== undefined || ticket !== undefined) return match;
    const digits = match.replace(/\D/g, "");
    const phoneLike = /^\s*(?:\+|\(?0|62)/.test(match);
    if (isThousandsOrDate(match.trim())) return match;
    if (digits.length >= 10 || (phoneLike && digits.length >= 8)) return "[nomor]";
    return match;
  });
}

interface Piece {
  text: string;
  weight: number;
  isUrl: boolean;
}

function codePointWeight(cp: number): number {
  for (const [lo, hi] of LIGHT_RANGES) if (cp >= lo && cp <= hi) return 1;
  return 2;
}

function textWeight(s: string): number {
  let w = 0;
  for (const ch of s) w += codePointWeight(ch.codePointAt(0)!);
  return w;
}

/** Text split into URLs (weight 23) and graphemes (never split an emoji or a combining sequence). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const pushText = (s: string) => {
    for (const { segment } of segmenter.segment(s)) out.push({ text: segment, weight: textWeight(segment), isUrl: false });
  };
  const re = new RegExp(URL_SRC, "g");
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const url = m[0].replace(URL_TRAILING_PUNCT, "");
    if (url.length === 0) continue;
    pushText(text.slice(last, m.index));
    out.push({ text: url, weight: TWEET_URL_LENGTH, isUrl: true });
    last = m.index + url.length;
    re.lastIndex = last;
  }
  pushText(text.slice(last));
  return out;
}

/** The weighted length Twitter counts against the limit (URLs count 23). */
export function tweetLength(text: string): number {
  return pieces(text).reduce((n, p) => n + p.weight, 0);
}

/**
 * "@screenName <text>", personal data masked, cut at a word boundary with "…" when it does not fit
 * in maxChars (weighted; a URL is never cut, it is kept whole or dropped). With screenName null
 * there is no handle: a reply posted through API v2 (`reply.in_reply_to_tweet_id`) is addressed
 * by Twitter itself, and those automatic @mentions do not count against the limit.
 */
export function formatReplyTweet(text: string, screenName: string | null, maxChars = 280): string {
  const handle = screenName === null ? null : screenName.replace(/^@/, "");
  if (handle !== null && !SCREEN_NAME_RE.test(handle)) throw new Error(`invalid Twitter screen name: ${JSON.stringify(screenName)}`);
  const prefix = handle === null ? "" : `@${handle} `;
  if (!Number.isInteger(maxChars) || maxChars < tweetLength(prefix) + 2) {
    throw new Error(`maxChars ${maxChars} leaves no room for a reply${handle === null ? "" : ` to @${handle}`}`);
  }

  let body = maskPersonalData(text)
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (handle !== null) body = body.replace(new RegExp(`^@${handle}\\b\\s*`, "i"), "");

  const full = `${prefix}${body}`.trimEnd();
  if (tweetLength(full) <= maxChars) return full;

  const budget = maxChars - tweetLength(prefix) - textWeight(ELLIPSIS);
  const all = pieces(body);
  const kept: Piece[] = [];
  let used = 0;
  for (const p of all) {
    if (used + p.weight > budget) break;
    kept.push(p);
    used += p.weight;
  }
  // prefer to end on a word boundary, unless that drops more than a third of what fits
  const next = all[kept.length];
  const atBoundary = next === undefined || /^\s$/.test(next.text) || kept[kept.length - 1]?.isUrl === true;
  let cut = kept.length;
  for (let i = kept.length - 1; i >= 0 && !atBoundary; i--) {
    if (/^\s$/.test(kept[i]!.text)) {
      cut = i;
      break;
    }
    if (kept[i]!.isUrl) break;
  }
  const keptWeight = kept.slice(0, cut).reduce((n, p) => n + p.weight, 0);
  const chosen = keptWeight >= (used * 2) / 3 ? kept.slice(0, cut) : kept;
  const head = chosen.map((p) => p.text).join("").trimEnd();
  return `${prefix}${head}${ELLIPSIS}`;
}
