import { boot } from "./boot.ts";
import { loadConfig } from "./config.ts";

const config = loadConfig();
const running = await boot(config);
const where = running.db.embedded ? `embedded PGlite in ${config.dataDir}/pglite` : "PostgreSQL (DATABASE_URL)";
console.log(`Aspirasi (${config.role}) on ${where}`);
if (running.url) {
  console.log(`Portal Balai Warga:  ${config.publicBaseUrl}/`);
  console.log(`Officer workspace:   ${config.publicBaseUrl}/officer/`);
  console.log(`API docs (OpenAPI):  ${config.publicBaseUrl}/docs`);
}
if (running.smtp) console.log(`E-mail (SMTP) in:   port ${running.smtp.port}`);
if (running.firstAdmin) {
  console.log(`First administrator: ${running.firstAdmin.email}`);
  if (running.firstAdmin.password) console.log(`  generated password (shown once): ${running.firstAdmin.password}`);
}
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: stopping`);
    running.stop().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  });
}
