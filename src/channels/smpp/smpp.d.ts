/**
 * The part of the `smpp` package (node-smpp 0.5, CommonJS, no types of its own) this channel uses:
 * client sessions, the server the fake SMSC is built on, PDUs, and the command table that
 * `addCommand` extends. PDU fields carry the SMPP specification's names (source_addr, esm_class ...).
 */
declare module "smpp" {
  import type { EventEmitter } from "node:events";
  import type { Server as NetServer, Socket } from "node:net";

  namespace smpp {
    type PduOptions = Record<string, unknown>;

    class PDU {
      constructor(command: string, options?: PduOptions);
      /** reads one PDU from its octets */
      constructor(octets: Buffer);
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      response(options?: PduOptions): PDU;
      toBuffer(): Buffer;
    }

    type ResponseCallback = (pdu: PDU) => void;

    class Session extends EventEmitter {
      socket: Socket;
      send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      bind_transceiver(options: PduOptions, responseCallback?: ResponseCallback): boolean;
      submit_sm(options: PduOptions, responseCallback?: ResponseCallback): boolean;
      deliver_sm(options: PduOptions, responseCallback?: ResponseCallback): boolean;
      enquire_link(options: PduOptions, responseCallback?: ResponseCallback): boolean;
      unbind(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    interface ParamType {
      read(buffer: Buffer, offset: number, length?: number): unknown;
      write(value: unknown, buffer: Buffer, offset: number): void;
      size(value: unknown): number;
    }

    interface CommandDefinition {
      id: number;
      params?: Record<string, { type: ParamType; default?: unknown; filter?: unknown }>;
      /** stores a TLV under another field name for this command */
      tlvMap?: Record<string, string>;
    }

    const commands: Record<string, CommandDefinition>;
    /** command_status names -> codes (ESME_ROK, ESME_RTHROTTLED ...) */
    const errors: Record<string, number>;
    /** the package's own text codecs: ASCII is its GSM 03.38 table, UCS2 big-endian UTF-16 */
    const encodings: Record<"ASCII" | "UCS2", { encode(text: string): Buffer }>;
    const types: { buffer: ParamType };

    function connect(options: { host: string; port: number }): Session;
    function createServer(listener: (session: Session) => void): Server;
    function addCommand(command: string, definition: CommandDefinition): void;
  }

  export = smpp;
}
