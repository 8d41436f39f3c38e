import { SMTPServer } from "smtp-server";

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/**
 * The inbound SMTP listener: a message is accepted (250) only after `store` has kept its raw
 * bytes durably; anything larger than maxBytes is refused during the DATA phase.
 */
export async function startSmtpListener(opts: {
  port: number;
  host?: string;
  maxBytes?: number;
  store: (raw: Buffer) => Promise<void>;
}): Promise<SmtpListener> {
  const maxBytes = opts.maxBytes ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxBytes,
    banner: "Aspirasi",
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded || size > maxBytes) {
          callback(Object.assign(new Error("message too large"), { responseCode: 552 }));
          return;
        }
        opts.store(Buffer.concat(chunks)).then(
          () => callback(),
          (err: unknown) => callback(Object.assign(new Error(`temporary failure: ${err instanceof Error ? err.message : String(err)}`), { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  server.on("error", (err) => console.error("[smtp]", err.message));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
