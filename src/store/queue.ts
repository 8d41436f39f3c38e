import { Logger, run, runMigrations, type TaskList } from "graphile-worker";
import pg from "pg";

/** Job-queue chatter stays quiet; warnings and errors are printed. */
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`[queue] ${level}: ${message}`);
});

/** The job queue lives in the database (graphile-worker); on PGlite prepared statements are off. */
export async function migrateQueue(connectionString: string): Promise<void> {
  const pool = quietPool(connectionString, 1);
  try {
    await runMigrations({ pgPool: pool, logger });
  } finally {
    await pool.end();
  }
}

/** A pool whose idle clients may be cut (a restart, a dropped database) without crashing the process. */
function quietPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on("error", (err) => console.error(`[queue] connection lost: ${err.message}`));
  pool.on("connect", (client) => client.on("error", (err) => console.error(`[queue] connection lost: ${err.message}`)));
  return pool;
}

export async function startQueue(opts: {
  connectionString: string;
  embedded: boolean;
  concurrency: number;
  taskList: TaskList;
  crontab?: string;
}): Promise<{ stop(): Promise<void> }> {
  // Our own pool, so it is ended (and its errors handled) when the queue stops.
  const pool = quietPool(opts.connectionString, opts.concurrency + 2);
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency,
    noPreparedStatements: opts.embedded,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: opts.taskList,
    crontab: opts.crontab,
    logger,
  });
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
