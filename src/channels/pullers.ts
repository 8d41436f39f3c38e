import type pg from "pg";
import type { AppContext } from "../app/context.ts";
import { tryLead } from "../store/leader-lock.ts";
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
 * Starts the pulling side of every configured channel (LAPOR! polling, IMAP polling, Twitter
 * mentions) in the worker that holds the "pullers" lead: with several worker processes one polls
 * and the others wait to take over (each poller stores what it fetched with its cursor in one
 * transaction, so even an overlap at a handover never doubles a report).
 */
export function startPullersFromEnv(ctx: AppContext, env: NodeJS.ProcessEnv, opts: { retryMs?: number } = {}): Puller[] {
  if (!laporClientFromEnv(env) && !imapOptionsFromEnv(env) && !(env.TWITTER_CONSUMER_SECRET && twitterPollerOptionsFromEnv(env))) return [];
  return [whileLeading(ctx.pool, "pullers", opts.retryMs ?? 15_000, () => startPullers(ctx, env))];
}

function startPullers(ctx: AppContext, env: NodeJS.ProcessEnv): Puller[] {
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

/**
 * Runs `start`'s pullers while this process holds the lead `name`; tries again every `retryMs`
 * while another process holds it, and stops them when the lead's connection is lost.
 */
export function whileLeading(pool: pg.Pool, name: string, retryMs: number, start: () => Puller[]): Puller {
  let stopped = false;
  let wake: () => void = () => undefined;
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const loop = (async () => {
    while (!stopped) {
      let lead: Awaited<ReturnType<typeof tryLead>> = null;
      try {
        lead = await tryLead(pool, name);
      } catch (err) {
        console.warn(`[lead] ${name}: could not ask for the lead (${err instanceof Error ? err.message : String(err)}); trying again`);
      }
      if (!lead) {
        await pause(retryMs);
        continue;
      }
      const running = start();
      await Promise.race([lead.lost, new Promise<void>((resolve) => (wake = resolve))]);
      await Promise.all(running.map((p) => p.stop()));
      await lead.release();
    }
  })();
  return {
    name: `lead:${name}`,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
