import type { WebhookConnector } from "./connector.ts";
import { TwilioSmsConnector } from "./sms/twilio.connector.ts";

/**
 * The webhook connectors switched on by configuration: a channel without its secret is off.
 * Names follow docs/api-contract.md.
 */
export function connectorsFromEnv(env: NodeJS.ProcessEnv): Map<string, WebhookConnector> {
  const connectors = new Map<string, WebhookConnector>();
  if (env.TWILIO_AUTH_TOKEN) connectors.set("sms", new TwilioSmsConnector({ authToken: env.TWILIO_AUTH_TOKEN }));
  return connectors;
}
