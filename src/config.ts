import path from "node:path";

/** Configuration from the environment (names in docs/api-contract.md and the README). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicBaseUrl: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  smtpPort: number;
  deploymentDir: string | undefined;
  workerConcurrency: number;
  role: "all" | "api" | "worker";
  logRequests: boolean;
  /** the environment itself, for channel connectors that read their own settings */
  env: NodeJS.ProcessEnv;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): Config {
  const port = Number(env.PORT ?? 3000);
  const roleArg = argv.find((a) => a.startsWith("--role="))?.slice(7) ?? env.ASPIRASI_ROLE ?? "all";
  if (roleArg !== "all" && roleArg !== "api" && roleArg !== "worker") throw new Error(`unknown role ${roleArg} (all, api, worker)`);
  return {
    port,
    host: env.HOST ?? "0.0.0.0",
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? "./data"),
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    smtpPort: Number(env.SMTP_PORT ?? 2525),
    deploymentDir: env.DEPLOYMENT_DIR || undefined,
    workerConcurrency: Number(env.WORKER_CONCURRENCY ?? 4),
    role: roleArg,
    logRequests: env.LOG_REQUESTS === "1",
    env,
  };
}
