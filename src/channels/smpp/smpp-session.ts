/**
 * Our ESME's session with the operator's SMSC, SMPP 3.4 over TCP: one bind_transceiver carries
 * both directions. Connects to host:port and binds with system_id / password (system_type if the
 * operator gave one, interface_version 0x34); sends enquire_link every `enquireLinkMs` and drops
 * the link when an answer (bind, enquire_link) does not come within `responseTimeoutMs`; after a
 * dropped link or a refused bind it connects again with exponential backoff; stop() waits for the
 * deliver_sm being stored, unbinds and closes.
 *
 * Inbound: every deliver_sm (a citizen's SMS, a part of one, or a delivery receipt) is serialized
 * (deliver-payload.ts) and handed to `store`; deliver_sm_resp ESME_ROK goes back only after store
 * resolved, so the SMSC keeps what we did not store durably. When store fails the answer is
 * ESME_RX_T_APPN ("temporary application error"), on which the SMSC delivers the message again.
 *
 * Outbound: submit() sends one submit_sm and resolves with the SMSC's submit_sm_resp; the sender
 * (smpp.sender.ts) builds the PDUs and classifies the failures this raises as SmppError.
 */
import { PART_CONTENT_TYPE, partFromPdu } from "./deliver-payload.ts";
import { SMPP_INTERFACE_VERSION, STATUS, smpp, statusName } from "./smpp-wire.ts";

export interface SmppSessionOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** stores one received deliver_sm durably (production: storeDeliverSm in smpp-parts.ts) */
  store(body: Buffer, contentType: string): Promise<unknown>;
  /** default 30 s */
  enquireLinkMs?: number;
  /** how long bind, enquire_link and unbind answers may take; default 10 s */
  responseTimeoutMs?: number;
  /** reconnect backoff: first delay, doubled up to the maximum; default 1 s .. 60 s */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** default console.error */
  log?: (line: string) => void;
}

/** A submit that failed: the SMSC's command_status, or no answer at all (status null). */
export class SmppError extends Error {
  constructor(
    message: string,
    /** the command_status the SMSC answered; null when no answer came (not bound, link down, timeout) */
    readonly status: number | null,
    /** when not bound: the status of the SMSC's last refused bind (ESME_RINVPASWD ...) */
    readonly bindStatus: number | null = null,
  ) {
    super(message);
    this.name = "SmppError";
  }
}

export class SmppSession {
  private link: smpp.Session | null = null;
  private bound = false;
  private stopped = true;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  /** rejecters of submits waiting for their submit_sm_resp */
  private readonly waiting = new Set<(err: SmppError) => void>();
  /** deliver_sm being stored */
  private readonly storing = new Set<Promise<void>>();
  private bindRefusal: number | null = null;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SmppSessionOptions) {
    this.log = opts.log ?? ((line) => console.error(line));
  }

  get isBound(): boolean {
    return this.bound;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** One submit_sm; resolves with the submit_sm_resp (message_id) or rejects with an SmppError. */
  submit(fields: Record<string, unknown>, timeoutMs: number): Promise<smpp.PDU> {
    const link = this.link;
    if (!link || !this.bound) {
      const why = this.bindRefusal !== null ? `the SMSC refused the bind: ${statusName(this.bindRefusal)}` : "not bound to the SMSC";
      return Promise.reject(new SmppError(`smpp: ${why}`, null, this.bindRefusal));
    }
    return new Promise((resolve, reject) => {
      const fail = (err: SmppError) => {
        clearTimeout(timer);
        this.waiting.delete(fail);
        reject(err);
      };
      const timer = setTimeout(() => fail(new SmppError(`smpp: no submit_sm_resp within ${timeoutMs} ms`, null)), timeoutMs);
      this.waiting.add(fail);
      const sent = link.submit_sm(fields, (resp) => {
        if (resp.command_status === STATUS.ESME_ROK) {
          clearTimeout(timer);
          this.waiting.delete(fail);
          resolve(resp);
        } else fail(new SmppError(`smpp: submit_sm refused: ${statusName(resp.command_status)}`, resp.command_status));
      });
      if (!sent) fail(new SmppError("smpp: the link to the SMSC is down", null));
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    await Promise.allSettled([...this.storing]);
    const link = this.link;
    if (!link) return;
    if (this.bound) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.responseTimeout).unref();
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        if (!link.unbind({}, done)) done();
      });
    }
    await new Promise<void>((resolve) => (link.socket.destroyed ? resolve() : link.destroy(resolve)));
  }

  private get responseTimeout(): number {
    return this.opts.responseTimeoutMs ?? 10_000;
  }

  private connect(): void {
    const { host, port } = this.opts;
    const link = smpp.connect({ host, port });
    this.link = link;
    link.on("connect", () => this.bind(link));
    link.on("error", (err: Error) => this.log(`[smpp] ${host}:${port}: ${err.message}`));
    link.on("close", () => this.closed(link));
    link.on("deliver_sm", (pdu: smpp.PDU) => this.received(link, pdu));
    link.on("enquire_link", (pdu: smpp.PDU) => link.send(pdu.response()));
    link.on("unbind", (pdu: smpp.PDU) => {
      this.bound = false;
      link.send(pdu.response(), () => link.destroy());
    });
    link.on("unknown", (pdu: smpp.PDU) => link.send(pdu.response()));
  }

  private bind(link: smpp.Session): void {
    const timer = setTimeout(() => {
      this.log(`[smpp] no bind_transceiver_resp within ${this.responseTimeout} ms; dropping the link`);
      link.destroy();
    }, this.responseTimeout).unref();
    link.bind_transceiver({
      system_id: this.opts.systemId,
      password: this.opts.password,
      system_type: this.opts.systemType ?? "",
      interface_version: SMPP_INTERFACE_VERSION,
    }, (resp) => {
      clearTimeout(timer);
      if (link !== this.link || this.stopped) return;
      if (resp.command_status !== STATUS.ESME_ROK) {
        this.bindRefusal = resp.command_status;
        this.log(`[smpp] the SMSC refused the bind as ${this.opts.systemId}: ${statusName(resp.command_status)}`);
        link.destroy();
        return;
      }
      this.bindRefusal = null;
      this.bound = true;
      this.failures = 0;
      this.enquireTimer = setInterval(() => this.enquire(link), this.opts.enquireLinkMs ?? 30_000);
    });
  }

  private enquire(link: smpp.Session): void {
    const timer = setTimeout(() => {
      this.log(`[smpp] no enquire_link_resp within ${this.responseTimeout} ms; dropping the link`);
      link.destroy();
    }, this.responseTimeout).unref();
    if (!link.enquire_link({}, () => clearTimeout(timer))) clearTimeout(timer);
  }

  private closed(link: smpp.Session): void {
    if (link !== this.link) return;
    this.link = null;
    this.bound = false;
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    for (const fail of [...this.waiting]) fail(new SmppError("smpp: the link to the SMSC dropped before the answer", null));
    if (this.stopped) return;
    const min = this.opts.reconnectMinMs ?? 1_000;
    const delay = Math.min(this.opts.reconnectMaxMs ?? 60_000, min * 2 ** this.failures++);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private received(link: smpp.Session, pdu: smpp.PDU): void {
    const body = Buffer.from(JSON.stringify(partFromPdu(pdu, new Date())), "utf8");
    const work = (async () => {
      let status: number = STATUS.ESME_ROK;
      try {
        await this.opts.store(body, PART_CONTENT_TYPE);
      } catch (err) {
        status = STATUS.ESME_RX_T_APPN;
        this.log(`[smpp] deliver_sm #${pdu.sequence_number} not stored (${err instanceof Error ? err.message : String(err)}); answered ${statusName(status)}`);
      }
      // On a link that dropped meanwhile nothing is answered: the SMSC delivers it again.
      link.send(pdu.response({ command_status: status }));
    })();
    this.storing.add(work);
    void work.finally(() => this.storing.delete(work));
  }
}
