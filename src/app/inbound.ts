import type { InboundMessage, SignedRequest, WebhookConnector } from "../channels/connector.ts";
import { DomainError } from "../domain/errors.ts";
import { projectForPortal } from "../domain/projection.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { linkIdentity } from "../store/citizens.store.ts";
import { withSavepoint, withTransaction, type Queryable } from "../store/db.ts";
import {
  claimPendingPayloads,
  lockSenderAndCheckSeen,
  markPayload,
  markPayloadsProcessed,
  recentOpenReportOfSender,
  recordInboundMessage,
  reportOfMessages,
  storePayload,
} from "../store/inbound.store.ts";
import { enqueueOutbox, insertUnitNotifications } from "../store/outbox.store.ts";
import { findReportById, findReportByTicket, insertEvents, listEvents, setPartnerDeadlines } from "../store/reports.store.ts";
import { addWorkingDays } from "../domain/sla-clock.ts";
import { writeCursor } from "../store/cursors.store.ts";
import type { AppContext } from "./context.ts";
import { queueMessageMedia } from "./fetch-media.ts";
import { intakeReport } from "./submit-report.ts";
import { overSenderLimit } from "./sender-limits.ts";
import { applyDispute } from "./transition-report.ts";

export type ConnectorRegistry = ReadonlyMap<string, WebhookConnector>;

/** Channels whose replies carry no thread reference: a message from the same sender within this window continues the report. */
const TIME_THREADED: Record<string, number> = { sms: 2 * 86_400_000, whatsapp: 2 * 86_400_000, facebook: 2 * 86_400_000 };
/** Direct messages (thread.direct: Twitter DMs) are a conversation too, on channels whose public posts are not. */
const DIRECT_MESSAGE_WINDOW_MS = 2 * 86_400_000;

/**
 * The first step of every webhook: check the signature over the raw bytes, then store the raw
 * payload durably. Only then is the request acknowledged; parsing happens in a job.
 */
export async function acceptWebhook(ctx: AppContext, connector: WebhookConnector, request: SignedRequest & { contentType: string }): Promise<{ stored: boolean }> {
  if (!connector.verify(request)) throw new DomainError("UNAUTHENTICATED", `invalid ${connector.channel} signature`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) if (typeof v === "string" && !/authorization|cookie/i.test(k)) headers[k] = v;
  const stored = await storePayload(ctx.pool, { channel: connector.channel, body: request.rawBody, contentType: request.contentType, headers });
  return { stored };
}

/** A channel without signatures (SMTP, pollers) hands over raw bytes it has already accepted. */
export async function acceptRawPayload(ctx: AppContext, channel: string, body: Buffer, contentType: string): Promise<{ stored: boolean }> {
  return { stored: await storePayload(ctx.pool, { channel, body, contentType, headers: {} }) };
}

/**
 * A pulling channel (IMAP, LAPOR!, Twitter mentions, SMPP) stores what it fetched and moves its
 * cursor in one transaction: after a crash it fetches the same items again and the store's
 * uniqueness drops the repeats, so nothing is lost and nothing is doubled. Returns how many
 * payloads were new.
 */
export async function acceptPulled(
  ctx: AppContext,
  channel: string,
  items: ReadonlyArray<{ body: Buffer; contentType: string }>,
  cursor: { name: string; value: unknown } | null,
): Promise<number> {
  return withTransaction(ctx.pool, async (tx) => {
    let stored = 0;
    for (const item of items) if (await storePayload(tx, { channel, body: item.body, contentType: item.contentType, headers: {} })) stored++;
    if (cursor) await writeCursor(tx, cursor.name, cursor.value);
    return stored;
  });
}

/**
 * The inbound job: claims stored payloads, parses them with their channel's connector and turns
 * each new message into a report or a thread entry, in one transaction per batch so a crash
 * leaves nothing half done. A payload the connector cannot read is kept as malformed for
 * inspection. Returns how many payloads it handled.
 */
export async function processInbound(ctx: AppContext, connectors: ConnectorRegistry, limit = 20): Promise<number> {
  try {
    return await processBatch(ctx, connectors, limit, false);
  } catch (err) {
    if (!(err instanceof CarefulRetry)) throw err;
    // A message of the batch could not be handled: the batch was rolled back and is handled again,
    // each payload in its own savepoint, so the bad one is kept as malformed and the others pass.
    return processBatch(ctx, connectors, limit, true);
  }
}

/** A payload failed on the fast path (no savepoints): the batch is redone the careful way. */
class CarefulRetry extends Error {}

async function processBatch(ctx: AppContext, connectors: ConnectorRegistry, limit: number, careful: boolean): Promise<number> {
  return withTransaction(ctx.pool, async (tx) => {
    const payloads = await claimPendingPayloads(tx, limit);
    const processed: number[] = [];
    for (const payload of payloads) {
      const connector = connectors.get(payload.channel);
      let messages: InboundMessage[];
      try {
        if (!connector) throw new Error(`no connector configured for channel ${payload.channel}`);
        messages = await connector.parse(payload.body, payload.contentType);
      } catch (err) {
        await markPayload(tx, payload.id, "malformed", errorText(err));
        continue;
      }
      const handleAll = async () => {
        for (const m of messages) await handleMessage(ctx, tx, payload.id, m);
      };
      try {
        if (careful) await withSavepoint(tx, "inbound_payload", handleAll);
        else await handleAll();
        processed.push(payload.id);
      } catch (err) {
        // A deadlock or serialization failure is nobody's fault: the whole batch is tried again.
        if (isRetryable(err)) throw err;
        if (!careful) throw new CarefulRetry(errorText(err));
        // A message that cannot be handled must not block the others (its savepoint is rolled back): keep it for inspection.
        await markPayload(tx, payload.id, "malformed", `handling failed: ${errorText(err)}`);
      }
    }
    await markPayloadsProcessed(tx, processed);
    return payloads.length;
  });
}

async function handleMessage(ctx: AppContext, tx: Queryable, payloadId: number, m: InboundMessage): Promise<void> {
  const record = (outcome: string, citizenId: string | null, reportId: string | null) =>
    recordInboundMessage(tx, { channel: m.channel, externalId: m.externalId, payloadId, kind: m.kind, senderKind: m.sender.kind, senderValue: m.sender.value, citizenId, reportId, outcome });
  if (m.kind === "ignored" || (!m.text.trim() && m.attachments.length === 0 && !m.location)) {
    await record("ignored", null, null); // recorded once: a repeat is dropped by the unique key
    return;
  }
  // Several inbound loops run at once: messages of one sender are handled one after the other,
  // so a reply waits for the report its first message is opening. A message seen before is done.
  if (await lockSenderAndCheckSeen(tx, m.channel, m.sender.value, m.externalId)) return;
  // A sender nobody heard from before has no conversation to continue and no allowance used.
  const { citizenId, created: newSender } = await linkIdentity(tx, m.sender, ctx.newId);
  const overLimit = async (what: "report" | "status") => !newSender && overSenderLimit(tx, ctx.senderLimits, m.channel, m.sender.value, what);
  if (m.kind === "status_request") {
    if (await overLimit("status")) return void (await record("rate_limited", citizenId, null));
    await answerStatus(ctx, tx, m, citizenId, record);
    return;
  }
  const existing = await findThread(tx, m, ctx.now(), newSender);
  if (m.kind === "rating") {
    await handleRating(ctx, tx, existing, m, citizenId);
    await record(existing ? "rating_recorded" : "ignored", citizenId, existing);
    return;
  }
  if (existing) {
    await appendToThread(ctx, tx, existing, m, citizenId);
    await record("thread_appended", citizenId, existing);
    return;
  }
  // Beyond the hour's allowance a sender's new messages are kept (payload and record) but open nothing.
  if (await overLimit("report")) return void (await record("rate_limited", citizenId, null));
  const ref = await ctx.reference.get();
  const category = m.categoryCode && ref.categories.get(m.categoryCode)?.active ? m.categoryCode : null;
  const created = await intakeReport(ctx, tx, {
    description: (m.subject ? `${m.subject}\n\n${m.text}` : m.text).trim() || "(foto)",
    kind: m.reportKind ?? "pengaduan",
    kindGiven: m.reportKind !== undefined,
    confidential: m.confidential === true,
    category,
    lat: m.location?.lat ?? null,
    lon: m.location?.lon ?? null,
    channel: m.channel,
    channelRef: m.thread.externalReportId ?? m.externalId,
    identity: m.sender,
    eventData: { externalId: m.externalId, subject: m.subject ?? null, attachments: m.attachments.filter((a) => a.url).map((a) => ({ url: a.url, contentType: a.contentType })) },
  });
  await queueMessageMedia(ctx, tx, m, created.reportId, created.eventId);
  if (m.partnerDeadlines?.length) {
    const from = m.sentAt ?? ctx.now();
    await setPartnerDeadlines(tx, created.reportId, m.partnerDeadlines.map((d) => ({
      name: d.name,
      due: addWorkingDays(ref.calendar, d.from ?? from, d.workingDays).toISOString(),
    })));
  }
  await record("report_created", citizenId, created.reportId);
}

/** Which report a message continues: a ticket in it, a reply chain, or a recent conversation. */
async function findThread(tx: Queryable, m: InboundMessage, now: Date, newSender: boolean): Promise<string | null> {
  const ticket = m.thread.ticket ? normalizeTicket(m.thread.ticket) : null;
  if (ticket) {
    const report = await findReportByTicket(tx, ticket);
    if (report) return report.id;
  }
  const chain = [m.thread.inReplyTo, ...(m.thread.references ?? []), m.thread.externalReportId].filter((x): x is string => !!x);
  const byChain = await reportOfMessages(tx, m.channel, chain);
  if (byChain) return byChain;
  const window = TIME_THREADED[m.channel] ?? (m.thread.direct ? DIRECT_MESSAGE_WINDOW_MS : undefined);
  if (window && !newSender) return recentOpenReportOfSender(tx, m.channel, m.sender.value, new Date(now.getTime() - window));
  return null;
}

/**
 * A citizen's message joins a report's timeline, from any channel; the holding unit is told.
 * `publicComment` is set only where the citizen wrote in public (a Balai Warga comment).
 */
export async function appendToThread(
  ctx: AppContext,
  tx: Queryable,
  reportId: string,
  m: InboundMessage,
  citizenId: string | null,
  publicComment: string | null = null,
): Promise<void> {
  const report = await findReportById(tx, reportId);
  if (!report) return;
  const [eventId] = await insertEvents(tx, report.id, { userId: null, role: "citizen", citizenId }, [
    { type: "message_in", unitId: report.holdingUnitId, fromState: null, toState: null, fromUnitId: null, toUnitId: null, note: null,
      publicComment, reason: null,
      data: { channel: m.channel, externalId: m.externalId, text: m.text, subject: m.subject ?? null,
        attachments: m.attachments.filter((a) => a.url).map((a) => ({ url: a.url, contentType: a.contentType })), location: m.location ?? null } },
  ], ctx.now());
  await queueMessageMedia(ctx, tx, m, report.id, eventId!);
  await insertUnitNotifications(tx, [{ unitId: report.holdingUnitId, reportId: report.id, eventId: eventId ?? null, template: "citizen_message", payload: { ticket: report.ticket, channel: m.channel } }]);
}

/** Ratings 1-2 of a done report dispute its follow-up (in Jakarta the rating drives reopen); the others are recorded. */
const DISPUTING_RATING = 2;

async function handleRating(ctx: AppContext, tx: Queryable, reportId: string | null, m: InboundMessage, citizenId: string): Promise<void> {
  if (!reportId) return;
  const report = await findReportById(tx, reportId, { forUpdate: true });
  if (!report) return;
  const rating = m.rating ?? null;
  if (rating !== null && rating <= DISPUTING_RATING && report.state === "done") {
    try {
      await withSavepoint(tx, "rating_dispute", () => applyDispute(ctx, tx, report, citizenId, m.text.trim() || `Rating ${rating} dari ${m.channel}`, m.channel));
      return;
    } catch (err) {
      // Not disputable (window passed, policy): the rating is still recorded below.
      if (!(err instanceof DomainError)) throw err;
    }
  }
  await insertEvents(tx, report.id, { userId: null, role: "citizen", citizenId }, [
    { type: "message_in", unitId: report.holdingUnitId, fromState: null, toState: null, fromUnitId: null, toUnitId: null, note: null,
      publicComment: null, reason: null, data: { channel: m.channel, externalId: m.externalId, rating, text: m.text } },
  ], ctx.now());
}

/** "CEK <ticket>": the status is answered on the channel the question came from. */
async function answerStatus(
  ctx: AppContext,
  tx: Queryable,
  m: InboundMessage,
  citizenId: string,
  record: (outcome: string, citizenId: string | null, reportId: string | null) => Promise<boolean>,
): Promise<void> {
  const ticket = m.thread.ticket ? normalizeTicket(m.thread.ticket) : null;
  const report = ticket ? await findReportByTicket(tx, ticket) : null;
  const ref = await ctx.reference.get();
  let params: Record<string, string | number | null> = { ticket: ticket ?? m.thread.ticket ?? "" };
  let template = "unknown_ticket";
  if (report) {
    const portal = projectForPortal({ report, events: await listEvents(tx, report.id), units: (id) => ref.units.get(id), language: "id" });
    params = { ticket: report.ticket, label: portal.label, comment: portal.statusComment };
    template = "status_reply";
  }
  await enqueueOutbox(tx, [{
    reportId: report?.id ?? null,
    eventId: null,
    kind: "citizen_message",
    channel: m.channel,
    recipient: { citizenId, identity: m.sender },
    template,
    payload: params,
    idempotencyKey: `${m.channel}:${m.externalId}:status`,
  }]);
  await record("status_answered", citizenId, report?.id ?? null);
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "40P01" || code === "40001" || code === "55P03";
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
