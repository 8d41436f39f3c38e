import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";

/** Job-queue chatter stays quiet; warnings and errors are printed. */
const logger = new Logger(() => (level, message) => {
  if (level === "error" || level === "warning") console.error(`[queue] ${level}: ${message}`);
});

/** The job queue lives in the database (graphile-worker); on PGlite prepared statements are off. */
export async function migrateQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger });
}

export async function startQueue(opts: {
  connectionString: string;
  embedded: boolean;
  concurrency: number;
  taskList: TaskList;
  crontab?: string;
}): Promise<Runner> {
  return run({
    connectionString: opts.connectionString,
    concurrency: opts.concurrency,
    noPreparedStatements: opts.embedded,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: opts.taskList,
    crontab: opts.crontab,
    logger,
  });
}
