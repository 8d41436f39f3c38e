/**
 * The SMPP 3.4 wire as this channel uses it, on top of the `smpp` package: the command_status
 * codes we act on, their names for error messages, and deliver_sm read raw.
 *
 * The package decodes a deliver_sm's short_message (and message_payload TLV) into text as it reads
 * the PDU; the octets are gone and a UCS-2 character split across two parts is garbled. We store
 * exactly what arrived and decode later (smpp.connector.ts), so the deliver_sm entry of the
 * package's command table is redefined once, through its documented `addCommand` extension point:
 * the same fields without the text filter, and message_payload kept undecoded as
 * `message_payload_raw`. This changes how every deliver_sm in the process is read (the fake
 * SMSC sends deliver_sm as raw octets anyway).
 */
import smpp from "smpp";

export { smpp };

export const SMPP_INTERFACE_VERSION = 0x34;

export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVBNDSTS: 0x04,
  ESME_RSYSERR: 0x08,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RTHROTTLED: 0x58,
  /** "ESME receiver temporary application error": the SMSC keeps the message and delivers it again */
  ESME_RX_T_APPN: 0x64,
} as const;

const NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name] as const));

/** "ESME_RTHROTTLED (0x58)" */
export function statusName(status: number): string {
  return `${NAMES.get(status) ?? "status"} (0x${status.toString(16).padStart(2, "0")})`;
}

const deliverSm = smpp.commands.deliver_sm!;
if (!deliverSm.tlvMap?.message_payload) {
  smpp.addCommand("deliver_sm", {
    id: deliverSm.id,
    // the same fields in the same order; short_message without the package's text filter
    params: { ...deliverSm.params, short_message: { type: smpp.types.buffer } },
    tlvMap: { message_payload: "message_payload_raw" },
  });
}
