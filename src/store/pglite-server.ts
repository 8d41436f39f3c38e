import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Serves an embedded PGlite database over the PostgreSQL wire protocol on loopback, so `pg` and
 * graphile-worker reach it by the same code path as a real server.
 *
 * PGlite has one backend. Every connection shares it, so two rules keep connections from
 * corrupting each other (pglite-socket 0.2 breaks both under load: an unnamed statement parsed
 * by one connection was bound by another):
 *  1. a connection's messages run as one unit up to each Sync / Query, never interleaved;
 *  2. while a connection has a transaction open, only that connection runs.
 */
export class PGliteServer {
  private server: net.Server | null = null;
  private readonly queue: Array<{ conn: Connection; messages: Uint8Array[]; done: () => void }> = [];
  private owner: Connection | null = null;
  private running = false;
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

  async listen(host = "127.0.0.1", port = 0): Promise<{ host: string; port: number }> {
    this.server = net.createServer((socket) => {
      const conn = new Connection(socket, this);
      this.connections.add(conn);
      socket.on("close", () => {
        this.connections.delete(conn);
        void this.release(conn);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as net.AddressInfo;
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Queues one atomic batch of a connection's messages. */
  submit(conn: Connection, messages: Uint8Array[]): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ conn, messages, done: resolve });
      void this.pump();
    });
  }

  /** A connection that went away while holding a transaction rolls it back. */
  private async release(conn: Connection): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.conn === conn) this.queue.splice(i, 1)[0]!.done();
    if (this.owner === conn) {
      await this.db.runExclusive(async () => {
        if (this.db.isInTransaction()) await this.db.exec("rollback");
      });
      this.owner = null;
      void this.pump();
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((b) => b.conn === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) break;
        const batch = this.queue.splice(index, 1)[0]!;
        await this.db.runExclusive(async () => {
          for (const [i, message] of batch.messages.entries()) {
            const last = i === batch.messages.length - 1;
            await this.db.execProtocolRawStream(message, {
              syncToFs: last,
              onRawData: (data: Uint8Array) => batch.conn.write(data),
            });
          }
        });
        this.owner = this.db.isInTransaction() ? batch.conn : null;
        batch.done();
      }
    } finally {
      this.running = false;
    }
  }
}

/** Message types after which the client waits for an answer: the batch boundary. */
const BOUNDARY = new Set(["S".charCodeAt(0), "Q".charCodeAt(0), "X".charCodeAt(0), "H".charCodeAt(0), "c".charCodeAt(0), "f".charCodeAt(0)]);
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private pending: Uint8Array[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly socket: net.Socket, private readonly server: PGliteServer) {
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", () => socket.destroy());
  }

  write(data: Uint8Array): void {
    if (data.length && this.socket.writable) this.socket.write(data);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          this.socket.write("N");
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.started = true;
        this.enqueue([new Uint8Array(message)]);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.buffer.length < length) return;
      const type = this.buffer[0]!;
      this.pending.push(new Uint8Array(this.buffer.subarray(0, length)));
      this.buffer = this.buffer.subarray(length);
      if (type === "X".charCodeAt(0)) {
        this.pending = [];
        this.socket.end();
        return;
      }
      if (BOUNDARY.has(type)) {
        const batch = this.pending;
        this.pending = [];
        this.enqueue(batch);
      }
    }
  }

  /** Batches of one connection run in order. */
  private enqueue(messages: Uint8Array[]): void {
    this.chain = this.chain.then(() => this.server.submit(this, messages));
  }
}
