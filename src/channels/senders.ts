import type { OutboundMessage, OutboundSender } from "../app/outbound.ts";
import { EmailSender } from "./outbound/email.sender.ts";
import { GraphSendSender } from "./outbound/graph-send.sender.ts";
import { TwilioSmsSender } from "./outbound/twilio-sms.sender.ts";
import { TwitterSender } from "./outbound/twitter.sender.ts";
import { fixedToken, TwitterUserToken, type TokenVault } from "./twitter/twitter-oauth.ts";
import { QlueStatusClient, QlueStatusSender } from "./qlue/qlue-status.ts";
import { laporClientFromEnv } from "./lapor/lapor-client.ts";
import { LaporSender } from "./lapor/lapor.sender.ts";

/** Looks up a citizen's identity on a channel (their Facebook page-scoped id, ...). */
export type IdentityLookup = (citizenId: string, kind: string) => Promise<string | null>;

/** The channel's own id of one of our reports (its channelRef: a LAPOR! id, the first tweet). */
export type ReportRefLookup = (reportId: string) => Promise<string | null>;

/** What senders may look up in our records. */
export interface SenderLookups {
  identity: IdentityLookup;
  reportRef: ReportRefLookup;
  /** the citizen's e-mail conversation about a report (subject, Message-IDs), so answers thread */
  emailThread: (reportId: string) => Promise<{ subject: string | null; messageIds: string[] }>;
  publicBaseUrl: string;
  /** a channel's renewable token, shared by every process under a lock (channel_tokens) */
  tokenVault: (name: string) => TokenVault;
}

/**
 * The outbound senders switched on by configuration; every external base URL is configurable
 * (tests point them at local fakes). A channel without its credentials answers nobody, and its
 * messages are recorded as skipped.
 */
export function sendersFromEnv(env: NodeJS.ProcessEnv, lookups: SenderLookups): Map<string, OutboundSender> {
  const identity = lookups.identity;
  const senders = new Map<string, OutboundSender>();
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM)
    senders.set("sms", new TwilioSmsSender({ baseUrl: env.TWILIO_API_BASE_URL || undefined, accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM }));
  if (env.SMTP_OUT_HOST && env.EMAIL_FROM)
    senders.set("email", new EmailSender({
      host: env.SMTP_OUT_HOST,
      port: Number(env.SMTP_OUT_PORT ?? 587),
      secure: env.SMTP_OUT_SECURE === "1",
      user: env.SMTP_OUT_USER || undefined,
      pass: env.SMTP_OUT_PASS || undefined,
      from: env.EMAIL_FROM,
      resolveThread: async (m) => {
        if (!m.reportId) return null;
        const thread = await lookups.emailThread(m.reportId);
        const refs = thread.messageIds.map((id) => `<${id}>`);
        return { subject: thread.subject, inReplyTo: refs.at(-1) ?? null, references: refs };
      },
    }));
  if (env.FACEBOOK_PAGE_ACCESS_TOKEN)
    senders.set("facebook", new GraphSendSender({
      baseUrl: env.GRAPH_API_BASE_URL || undefined,
      accessToken: env.FACEBOOK_PAGE_ACCESS_TOKEN,
      channel: "facebook",
      resolveRecipient: (m: OutboundMessage) => identity(m.citizen.id, "facebook_psid"),
    }));
  if (env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_PHONE_NUMBER_ID)
    senders.set("whatsapp", new GraphSendSender({
      baseUrl: env.GRAPH_API_BASE_URL || undefined,
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      channel: "whatsapp",
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
    }));
  if (env.QLUE_API_BASE_URL && env.QLUE_CALLBACK_SECRET)
    senders.set("qlue", new QlueStatusSender(new QlueStatusClient({ baseUrl: env.QLUE_API_BASE_URL, secret: env.QLUE_CALLBACK_SECRET })));
  // Twitter: a token renewed through the shared vault when a client id and refresh token are configured, else a fixed one.
  const twitterToken = env.TWITTER_CLIENT_ID && env.TWITTER_REFRESH_TOKEN
    ? new TwitterUserToken({
      baseUrl: env.TWITTER_API_BASE_URL || undefined,
      clientId: env.TWITTER_CLIENT_ID,
      clientSecret: env.TWITTER_CLIENT_SECRET || undefined,
      refreshToken: env.TWITTER_REFRESH_TOKEN,
      vault: lookups.tokenVault("twitter"),
    })
    : env.TWITTER_ACCESS_TOKEN ? fixedToken(env.TWITTER_ACCESS_TOKEN) : null;
  if (twitterToken)
    senders.set("twitter", new TwitterSender({ baseUrl: env.TWITTER_API_BASE_URL || undefined, token: twitterToken, identity, reportRef: lookups.reportRef }));
  const lapor = laporClientFromEnv(env);
  if (lapor) senders.set("lapor", new LaporSender({ client: lapor, laporIdOf: lookups.reportRef, publicBaseUrl: lookups.publicBaseUrl }));
  return senders;
}
