/**
 * SMPP addresses and phone numbers (E.164). An address comes with a type of number (TON): 1
 * international ("6281234567890"), 2 national ("081234567890" or "81234567890"), 0 unknown, 5
 * alphanumeric (an operator's "TELKOMSEL", not a phone). National and unknown numbers follow the
 * Indonesian plan: a leading 0 is the trunk prefix, 62 the country code. Short codes ("1708",
 * "3636") are not phones either.
 */

export const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NATIONAL: 2, ALPHANUMERIC: 5 } as const;
export const NPI_ISDN = 1;

/** The address as E.164 ("+6281234567890"), or null when it is not a phone number. */
export function toE164(address: string, ton: number): string | null {
  if (ton === TON.ALPHANUMERIC) return null;
  const compact = address.replace(/[\s\-().]/g, "");
  if (!/^\+?\d+$/.test(compact)) return null;
  let e164: string;
  if (compact.startsWith("+")) e164 = compact;
  else if (compact.startsWith("00")) e164 = `+${compact.slice(2)}`;
  else if (ton === TON.INTERNATIONAL && !compact.startsWith("0")) e164 = `+${compact}`;
  else if (compact.startsWith("62")) e164 = `+${compact}`;
  else if (compact.startsWith("0")) e164 = `+62${compact.slice(1)}`;
  else e164 = `+62${compact}`;
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : null;
}
