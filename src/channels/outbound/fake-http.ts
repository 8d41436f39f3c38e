/**
 * Test-only: a local HTTP server on 127.0.0.1 (port 0) that records every request and answers it
 * through the protocol fake's handler, or through a scripted reply queued by the test.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** path and query, as received */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type FakeReply =
  | { status: number; headers?: Record<string, string>; json?: unknown; text?: string }
  /** accept the request and never answer */
  | "hang"
  /** drop the connection without an answer */
  | "reset";

export interface FakeHttp {
  /** e.g. "http://127.0.0.1:41234" */
  origin: string;
  requests: RecordedRequest[];
  /** replies used (in order) before the protocol handler */
  script: FakeReply[];
  close(): Promise<void>;
}

export async function startFakeHttp(handle: (req: RecordedRequest) => FakeReply): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const script: FakeReply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const reply = script.shift() ?? handle(recorded);
      if (reply === "hang") return;
      if (reply === "reset") {
        req.socket.destroy();
        return;
      }
      answer(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, reply: { status: number; headers?: Record<string, string>; json?: unknown; text?: string }): void {
  const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "");
  res.writeHead(reply.status, { ...(reply.json !== undefined ? { "content-type": "application/json" } : {}), ...reply.headers });
  res.end(body);
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
