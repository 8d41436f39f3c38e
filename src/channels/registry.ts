import type { SignedRequest, WebhookConnector } from "./connector.ts";
import { EmailConnector } from "./email/email.connector.ts";
import { FacebookConnector } from "./facebook/facebook.connector.ts";
import { verifyChallenge } from "./graph/graph-webhook.ts";
import { QlueConnector } from "./qlue/qlue.connector.ts";
import { TwilioSmsConnector } from "./sms/twilio.connector.ts";
import { TwitterConnector } from "./twitter/twitter.connector.ts";
import { WhatsAppConnector } from "./whatsapp/whatsapp.connector.ts";

/** A connector with the subscription challenge its platform sends before any webhook. */
class WithChallenge implements WebhookConnector {
  readonly channel: string;
  constructor(
    private readonly inner: WebhookConnector,
    readonly challenge: (query: Record<string, unknown>) => string | Record<string, unknown> | null,
  ) {
    this.channel = inner.channel;
  }
  verify(request: SignedRequest) {
    return this.inner.verify(request);
  }
  parse(rawBody: Buffer, contentType: string) {
    return this.inner.parse(rawBody, contentType);
  }
}

/**
 * The connectors switched on by configuration: a channel without its secret is off. Names follow
 * docs/api-contract.md; the README lists them.
 */
export function connectorsFromEnv(env: NodeJS.ProcessEnv): Map<string, WebhookConnector> {
  const connectors = new Map<string, WebhookConnector>();
  if (env.QLUE_WEBHOOK_SECRET) connectors.set("qlue", new QlueConnector({ secret: env.QLUE_WEBHOOK_SECRET }));
  if (env.TWILIO_AUTH_TOKEN) connectors.set("sms", new TwilioSmsConnector({ authToken: env.TWILIO_AUTH_TOKEN }));
  if (env.FACEBOOK_APP_SECRET) {
    const token = env.FACEBOOK_VERIFY_TOKEN ?? "";
    const fb = new FacebookConnector({ appSecret: env.FACEBOOK_APP_SECRET, pageId: env.FACEBOOK_PAGE_ID || undefined });
    connectors.set("facebook", new WithChallenge(fb, (q) => verifyChallenge(q, token)));
  }
  if (env.WHATSAPP_APP_SECRET) {
    const token = env.WHATSAPP_VERIFY_TOKEN ?? "";
    const wa = new WhatsAppConnector({ appSecret: env.WHATSAPP_APP_SECRET, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID || undefined });
    connectors.set("whatsapp", new WithChallenge(wa, (q) => verifyChallenge(q, token)));
  }
  if (env.TWITTER_CONSUMER_SECRET) {
    const tw = new TwitterConnector({ consumerSecret: env.TWITTER_CONSUMER_SECRET, ownUserId: env.TWITTER_USER_ID || undefined, ownScreenName: env.TWITTER_SCREEN_NAME || undefined });
    connectors.set("twitter", new WithChallenge(tw, (q) => (typeof q.crc_token === "string" && q.crc_token ? tw.crcResponse(q.crc_token) : null)));
  }
  if (env.SMTP_PORT !== "0") {
    const ours = (env.EMAIL_ADDRESSES ?? "").split(",").map((a) => a.trim()).filter(Boolean);
    connectors.set("email", new EmailConnector({ ourAddresses: ours }));
  }
  return connectors;
}
