/**
 * The SMPP channel as configuration switches it on: SMPP_HOST (unset = off), SMPP_PORT (2775),
 * SMPP_SYSTEM_ID, SMPP_PASSWORD, SMPP_SYSTEM_TYPE (optional), SMPP_SOURCE_ADDR (our number or
 * short code, e.g. "1708"), SMPP_SOURCE_TON / SMPP_SOURCE_NPI (optional, when the operator
 * prescribes them), SMPP_ENQUIRE_LINK_SECONDS (30). The session stores what it receives through
 * the parts store (smpp-parts.ts) into the inbound pipeline as channel "smpp"; the sender
 * answers "sms" on the same bound session. The caller starts and stops the session.
 */
import type pg from "pg";
import { storeDeliverSm } from "./smpp-parts.ts";
import { SmppSession, type SmppSessionOptions } from "./smpp-session.ts";
import { SmppSender } from "./smpp.sender.ts";

export interface SmppChannel {
  session: SmppSession;
  sender: SmppSender;
}

export function smppChannelFromEnv(
  env: NodeJS.ProcessEnv,
  pool: pg.Pool,
  tuning: Pick<SmppSessionOptions, "reconnectMinMs" | "reconnectMaxMs" | "responseTimeoutMs" | "log"> = {},
): SmppChannel | null {
  if (!env.SMPP_HOST) return null;
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required when SMPP_HOST is set`);
    return value;
  };
  const integer = (name: string, min: number, max: number, fallback?: number) => {
    const raw = env[name];
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const session = new SmppSession({
    host: env.SMPP_HOST,
    port: integer("SMPP_PORT", 1, 65535, 2775)!,
    systemId: required("SMPP_SYSTEM_ID"),
    password: required("SMPP_PASSWORD"),
    systemType: env.SMPP_SYSTEM_TYPE || undefined,
    enquireLinkMs: integer("SMPP_ENQUIRE_LINK_SECONDS", 5, 3600, 30)! * 1000,
    store: (body, contentType) => storeDeliverSm(pool, body, contentType),
    ...tuning,
  });
  const sender = new SmppSender({
    session,
    sourceAddr: required("SMPP_SOURCE_ADDR"),
    sourceTon: integer("SMPP_SOURCE_TON", 0, 6),
    sourceNpi: integer("SMPP_SOURCE_NPI", 0, 18),
  });
  return { session, sender };
}
