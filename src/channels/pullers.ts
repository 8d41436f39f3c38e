import type { AppContext } from "../app/context.ts";
import { imapOptionsFromEnv, startImapPoller } from "./email/imap-poller.ts";
import { startTwitterPoller, twitterPollerOptionsFromEnv } from "./twitter/twitter-poller.ts";
import { laporClientFromEnv, laporPollIntervalMs } from "./lapor/lapor-client.ts";
import { startLaporPoller } from "./lapor/lapor-poller.ts";

/** A channel that fetches instead of being called: a poller or a bound session. */
export interface Puller {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * Starts the pulling side of every configured channel (LAPOR! polling, IMAP polling, ...). They run in the
 * worker role, in one process: each stores what it fetched with its cursor in one transaction,
 * so a second process would repeat work but never double a report.
 */
export function startPullersFromEnv(ctx: AppContext, env: NodeJS.ProcessEnv): Puller[] {
  const pullers: Puller[] = [];
  const lapor = laporClientFromEnv(env);
  if (lapor) pullers.push({ name: "lapor", ...startLaporPoller({ ctx, client: lapor, intervalMs: laporPollIntervalMs(env) }) });
  const imap = imapOptionsFromEnv(env);
  if (imap) pullers.push({ name: "imap", ...startImapPoller(ctx, imap) });
  // Mentions are polled only when the webhook connector is there to read what is stored.
  const twitter = env.TWITTER_CONSUMER_SECRET ? twitterPollerOptionsFromEnv(env) : null;
  if (twitter) pullers.push({ name: "twitter", ...startTwitterPoller({ ctx, ...twitter }) });
  return pullers;
}
