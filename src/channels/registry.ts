import type { WebhookConnector } from "./connector.ts";
import { EmailConnector } from "./email/email.connector.ts";
import { FacebookConnector } from "./facebook/facebook.connector.ts";
import { LaporConnector } from "./lapor/lapor.connector.ts";
import { QlueConnector } from "./qlue/qlue.connector.ts";
import { TwilioSmsConnector } from "./sms/twilio.connector.ts";
import { SmppConnector } from "./smpp/smpp.connector.ts";
import { TwitterConnector } from "./twitter/twitter.connector.ts";
import { WhatsAppConnector } from "./whatsapp/whatsapp.connector.ts";

/**
 * The connectors switched on by configuration: a channel without its secret is off. Names follow
 * docs/api-contract.md; the README lists them.
 */
export function connectorsFromEnv(env: NodeJS.ProcessEnv): Map<string, WebhookConnector> {
  const connectors = new Map<string, WebhookConnector>();
  if (env.QLUE_WEBHOOK_SECRET) connectors.set("qlue", new QlueConnector({ secret: env.QLUE_WEBHOOK_SECRET }));
  if (env.TWILIO_AUTH_TOKEN) connectors.set("sms", new TwilioSmsConnector({ authToken: env.TWILIO_AUTH_TOKEN }));
  // SMPP payloads are stored by the bound session (channel "smpp"); their messages are "sms".
  if (env.SMPP_HOST) connectors.set("smpp", new SmppConnector());
  if (env.FACEBOOK_APP_SECRET) {
    connectors.set("facebook", new FacebookConnector({ appSecret: env.FACEBOOK_APP_SECRET, verifyToken: env.FACEBOOK_VERIFY_TOKEN, pageId: env.FACEBOOK_PAGE_ID || undefined }));
  }
  if (env.WHATSAPP_APP_SECRET) {
    connectors.set("whatsapp", new WhatsAppConnector({ appSecret: env.WHATSAPP_APP_SECRET, verifyToken: env.WHATSAPP_VERIFY_TOKEN, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID || undefined }));
  }
  if (env.TWITTER_CONSUMER_SECRET) {
    connectors.set("twitter", new TwitterConnector({ consumerSecret: env.TWITTER_CONSUMER_SECRET, ownUserId: env.TWITTER_USER_ID || undefined, ownScreenName: env.TWITTER_SCREEN_NAME || undefined }));
  }
  if (env.LAPOR_API_BASE_URL && env.LAPOR_API_TOKEN && env.LAPOR_AGENCY_ID) connectors.set("lapor", new LaporConnector());
  // E-mail arrives by the SMTP listener and/or an IMAP mailbox; both store the same raw form.
  if (env.SMTP_PORT !== "0" || env.IMAP_HOST) {
    const ours = (env.EMAIL_ADDRESSES ?? "").split(",").map((a) => a.trim()).filter(Boolean);
    connectors.set("email", new EmailConnector({ ourAddresses: ours }));
  }
  return connectors;
}
