import path from "node:path";
import type { FastifyInstance } from "fastify";
import { ensureFirstAdmin } from "./app/auth.ts";
import { createAppContext, type AppContext } from "./app/context.ts";

import type { OutboundSender, SenderRegistry } from "./app/outbound.ts";
import { smppChannelFromEnv, type SmppChannel } from "./channels/smpp/smpp-channel.ts";
import { connectorsFromEnv } from "./channels/registry.ts";
import { sendersFromEnv } from "./channels/senders.ts";
import { startPullersFromEnv } from "./channels/pullers.ts";
import { mediaFetchersFromEnv } from "./channels/media-fetchers.ts";
import { withChannelToken } from "./store/channel-tokens.store.ts";
import type { MediaFetchers } from "./app/fetch-media.ts";
import { findReportById } from "./store/reports.store.ts";
import { emailThreadOf } from "./store/inbound.store.ts";
import { citizenIdentity } from "./store/citizens.store.ts";
import { startSmtpListener, type SmtpListener } from "./channels/email/smtp-listener.ts";
import { acceptRawPayload, type ConnectorRegistry } from "./app/inbound.ts";
import type { Config } from "./config.ts";
import { buildServer } from "./http/server.ts";
import { FsBlobStore } from "./store/blob-store.ts";
import { openDatabase, withTransaction, type Database } from "./store/db.ts";
import { appliedMigrations, migrate } from "./store/migrate.ts";
import { migrateQueue } from "./store/queue.ts";
import { defaultDeploymentDir, refreshShippedSettings, seedReferenceData } from "./store/reference-seed.ts";
import { startWorker, type Worker } from "./worker/worker.ts";

export interface Running {
  db: Database;
  ctx: AppContext;
  server: FastifyInstance | null;
  worker: Worker | null;
  url: string | null;
  firstAdmin: { email: string; password: string | null } | null;
  smtp: SmtpListener | null;
  stop(): Promise<void>;
}

/** Prepares the database: the job queue's schema, our migrations, the reference data on first start. */
export async function prepareDatabase(db: Database, deploymentDir: string) {
  await migrateQueue(db.connectionString);
  const applied = await migrate(db.pool);
  const seed = await withTransaction(db.pool, async (tx) => {
    const seeded = await seedReferenceData(tx, deploymentDir);
    await refreshShippedSettings(tx, deploymentDir);
    return seeded;
  });
  return { applied, seed };
}

/** SMPP answers the "sms" channel over its bound session, ahead of the Twilio HTTP gateway. */
function withSmpp(senders: Map<string, OutboundSender>, smpp: SmppChannel | null): Map<string, OutboundSender> {
  if (smpp) senders.set("sms", smpp.sender);
  return senders;
}

/** Starts the product: API, worker, or both in one process. */
export async function boot(
  config: Config,
  opts: { senders?: SenderRegistry; connectors?: ConnectorRegistry; mediaFetchers?: MediaFetchers; now?: () => Date; listen?: boolean } = {},
): Promise<Running> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await prepareDatabase(db, config.deploymentDir ?? defaultDeploymentDir());
  } catch (err) {
    await db.close();
    throw err;
  }
  const ctx = createAppContext({
    pool: db.pool,
    blobs: new FsBlobStore(path.join(config.dataDir, "blobs")),
    publicBaseUrl: config.publicBaseUrl,
    now: opts.now,
    senderLimits: config.senderLimits,
    rateLimits: config.rateLimits,
  });
  const firstAdmin = config.role === "worker" ? null : await ensureFirstAdmin(ctx, config.adminEmail, config.adminPassword);
  // SMPP binds one session per worker process: deliver_sm in, submit_sm out (the "sms" answers).
  const smpp = config.role === "api" ? null : smppChannelFromEnv(config.env, db.pool);
  const envSenders = () => sendersFromEnv(config.env, {
    identity: (citizenId, kind) => citizenIdentity(db.pool, citizenId, kind),
    reportRef: async (reportId) => (await findReportById(db.pool, reportId))?.channelRef ?? null,
    emailThread: (reportId) => emailThreadOf(db.pool, reportId),
    publicBaseUrl: config.publicBaseUrl,
    tokenVault: (name) => (fn) => withChannelToken(db.pool, name, fn),
  });
  const senders: SenderRegistry = opts.senders ?? withSmpp(envSenders(), smpp);
  const connectors: ConnectorRegistry = opts.connectors ?? connectorsFromEnv(config.env);
  const worker = config.role === "api" ? null : await startWorker(ctx, db, senders, connectors, opts.mediaFetchers ?? mediaFetchersFromEnv(config.env), config.workerConcurrency);
  // Channels that fetch (LAPOR!, ...) run with the worker.
  const pullers = config.role === "api" ? [] : startPullersFromEnv(ctx, config.env);
  if (smpp) {
    smpp.session.start();
    pullers.push({ name: "smpp", stop: () => smpp.session.stop() });
  }
  let smtp: SmtpListener | null = null;
  if (config.role !== "worker" && config.smtpPort !== 0 && connectors.has("email")) {
    smtp = await startSmtpListener({ port: config.smtpPort, store: async (raw) => void (await acceptRawPayload(ctx, "email", raw, "message/rfc822")) })
      .catch((err: Error) => (console.error(`[smtp] not listening on ${config.smtpPort}: ${err.message}`), null));
  }
  let server: FastifyInstance | null = null;
  let url: string | null = null;
  if (config.role !== "worker") {
    server = await buildServer(ctx, {
      logger: config.logRequests,
      secureCookies: config.publicBaseUrl.startsWith("https://"),
      connectors,
      publicBaseUrl: config.publicBaseUrl,
      mapTiles: config.mapTiles,
      open311ApiKeys: config.env.OPEN311_API_KEYS,
      trustProxy: config.trustProxy,
      health: async () => {
        return { database: db.embedded ? "pglite" : "postgresql", migrations: await appliedMigrations(db.pool) };
      },
    });
    if (opts.listen !== false) {
      const address = await server.listen({ port: config.port, host: config.host });
      url = address.replace("0.0.0.0", "localhost").replace("[::]", "localhost");
    }
  }
  return {
    db,
    ctx,
    server,
    worker,
    url,
    firstAdmin,
    smtp,
    async stop() {
      await smtp?.close();
      await server?.close();
      await Promise.all(pullers.map((p) => p.stop()));
      await worker?.stop();
      await db.close();
    },
  };
}
