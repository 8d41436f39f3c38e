import type { InboundMessage, SignedRequest, WebhookConnector } from "../connector.ts";
import { parseEmail } from "./email-parser.ts";

/**
 * E-mail as a channel: raw RFC 822 messages from the SMTP listener (or an IMAP poller) are stored
 * like any webhook payload and parsed by the same job. The SMTP session is the gate, so there is
 * no signature to check here.
 */
export class EmailConnector implements WebhookConnector {
  readonly channel = "email";

  constructor(private readonly opts: { ourAddresses: string[] }) {}

  verify(_request: SignedRequest): boolean {
    return true;
  }

  async parse(rawBody: Buffer): Promise<InboundMessage[]> {
    return [await parseEmail(rawBody, { ourAddresses: this.opts.ourAddresses })];
  }
}
