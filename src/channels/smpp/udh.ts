/**
 * Concatenated SMS (3GPP TS 23.040 9.2.3.24): a User Data Header at the start of short_message
 * (esm_class bit 0x40) holding information elements; IEI 0x00 carries an 8-bit reference, IEI 0x08
 * a 16-bit one, each with the total number of parts and this part's number (from 1). SMPP 3.4 can
 * say the same with the sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs instead.
 */

export const ESM_UDHI = 0x40;

export interface ConcatInfo {
  /** "8" / "16" for the UDH element, "sar" for the TLVs: part of the key a set is known by */
  refKind: "8" | "16" | "sar";
  ref: number;
  total: number;
  /** this part's number, from 1 */
  part: number;
}

export interface SplitUserData {
  /** the text octets, without the header */
  body: Buffer;
  concat: ConcatInfo | null;
}

/** Separates the header from the text and reads the concatenation element, if any. */
export function splitUserData(
  userData: Buffer,
  esmClass: number,
  sar?: { ref: number | null; total: number | null; seq: number | null },
): SplitUserData {
  let body = userData;
  let concat: ConcatInfo | null = null;
  if (esmClass & ESM_UDHI && userData.length > 0) {
    const udhl = userData[0]!;
    if (udhl + 1 > userData.length) throw new Error("user data header longer than the message");
    body = userData.subarray(udhl + 1);
    for (let i = 1; i < udhl; ) {
      const iei = userData[i]!;
      const len = userData[i + 1]!;
      const data = userData.subarray(i + 2, i + 2 + len);
      if (iei === 0x00 && len === 3) concat = { refKind: "8", ref: data[0]!, total: data[1]!, part: data[2]! };
      if (iei === 0x08 && len === 4) concat = { refKind: "16", ref: data.readUInt16BE(0), total: data[2]!, part: data[3]! };
      i += 2 + len;
    }
  }
  if (!concat && sar?.ref != null && sar.total != null && sar.seq != null) concat = { refKind: "sar", ref: sar.ref, total: sar.total, part: sar.seq };
  // A "set" of one part, or a part number outside its set, is no concatenation at all.
  if (concat && (concat.total < 2 || concat.part < 1 || concat.part > concat.total)) concat = null;
  return { body, concat };
}

/** The 6-octet header of part `part` of `total` with an 8-bit reference (what submit_sm sends). */
export function concatHeader(ref: number, total: number, part: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, part]);
}
