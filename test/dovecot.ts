/**
 * A private Dovecot IMAP server for tests: the real Debian package (installed by .ci/dovecot.sh),
 * never the system service. startDovecot writes a config into a temp dir (plain IMAP on a free
 * port of 127.0.0.1, no TLS, cleartext login allowed, passwd-file users, Maildir, base/state/log
 * dirs in the temp dir), runs `dovecot -F -c <config>` as a child process, and resolves once the
 * server greets with "ready" (Dovecot answers "Waiting for authentication process" before that).
 * stop() ends the process and removes the dir. The config syntax follows `dovecot --version`
 * (2.3 or 2.4). As root, Dovecot's own users (dovecot, dovenull) run the internal and login
 * processes and own the mail; otherwise everything runs as the current user.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export interface DovecotUser {
  user: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  version: string;
  /** runs doveadm against this instance (e.g. `mailbox update --uid-validity`) */
  doveadm(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** The binary's path, or null when Dovecot is not installed. */
export function findDovecot(name = "dovecot"): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export async function startDovecot(users: DovecotUser[]): Promise<Dovecot> {
  const bin = findDovecot();
  if (!bin) throw new Error("Dovecot is not installed (no `dovecot` binary): run .ci/dovecot.sh (apt-get install dovecot-imapd)");
  const version = (await run(bin, ["--version"])).stdout.trim().split(/\s+/)[0]!;
  let lastError: unknown;
  // A free port is picked first and may be taken before Dovecot binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-dovecot-"));
    try {
      return await launch(bin, version, dir, users, await freePort());
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      lastError = err;
    }
  }
  throw lastError;
}

async function launch(bin: string, version: string, dir: string, users: DovecotUser[], port: number): Promise<Dovecot> {
  const ids = processIds();
  // Dovecot's internal user reads the passwd-file and the mail user writes the Maildirs.
  fs.chmodSync(dir, 0o755);
  for (const sub of ["base", "state", "mail"]) fs.mkdirSync(path.join(dir, sub));
  fs.chownSync(path.join(dir, "mail"), ids.mail.uid, ids.mail.gid);
  const passwd = path.join(dir, "passwd");
  fs.writeFileSync(passwd, users.map((u) => `${u.user}:{PLAIN}${u.password}:${ids.mail.uid}:${ids.mail.gid}::${path.join(dir, "mail", u.user)}::\n`).join(""), { mode: 0o644 });
  const conf = path.join(dir, "dovecot.conf");
  const log = path.join(dir, "dovecot.log");
  fs.writeFileSync(conf, config({ version, dir, passwd, log, port, ids }));

  const child = spawn(bin, ["-F", "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (err) => ((output += `${err.message}\n`), resolve(null)));
  });
  // A test process that dies must not leave a server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const explain = () => `${output}${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`.trim().split("\n").slice(-10).join("\n");

  try {
    await Promise.race([
      waitForGreeting(port, 10_000, () => child.exitCode === null && child.signalCode === null),
      exited.then((code) => Promise.reject(new Error(`dovecot exited (code ${code}) before it was ready`))),
    ]);
  } catch (err) {
    await stopChild(child, exited);
    process.off("exit", killOnExit);
    throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${explain()}`);
  }

  return {
    host: "127.0.0.1",
    port,
    version,
    async doveadm(args) {
      const doveadm = findDovecot("doveadm");
      if (!doveadm) throw new Error("doveadm not found (part of dovecot-core)");
      return (await run(doveadm, ["-c", conf, ...args])).stdout;
    },
    async stop() {
      await stopChild(child, exited);
      process.off("exit", killOnExit);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Ids {
  root: boolean;
  internal: { user: string; group: string };
  login: string;
  mail: { uid: number; gid: number };
}

/** Who runs what: Dovecot's own users under root, the current user otherwise. */
function processIds(): Ids {
  const me = os.userInfo();
  if (me.uid !== 0) {
    const group = groupName(me.gid) ?? String(me.gid);
    return { root: false, internal: { user: me.username, group }, login: me.username, mail: { uid: me.uid, gid: me.gid } };
  }
  const dovecot = passwdEntry("dovecot");
  if (!dovecot || !passwdEntry("dovenull")) throw new Error("the dovecot and dovenull users are missing: run .ci/dovecot.sh (apt-get install dovecot-imapd)");
  return { root: true, internal: { user: "dovecot", group: groupName(dovecot.gid) ?? "dovecot" }, login: "dovenull", mail: dovecot };
}

function passwdEntry(name: string): { uid: number; gid: number } | null {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function groupName(gid: number): string | null {
  const line = fs.readFileSync("/etc/group", "utf8").split("\n").find((l) => l.split(":")[2] === String(gid));
  return line?.split(":")[0] ?? null;
}

function config(o: { version: string; dir: string; passwd: string; log: string; port: number; ids: Ids }): string {
  const [major = 0, minor = 0] = o.version.split(".").map(Number);
  const v24 = major > 2 || (major === 2 && minor >= 4);
  // Without root there is no chroot for the login and anvil processes.
  const chroot = o.ids.root ? "" : "  chroot =\n";
  const common = [
    `protocols = imap`,
    `listen = 127.0.0.1`,
    `base_dir = ${path.join(o.dir, "base")}`,
    `state_dir = ${path.join(o.dir, "state")}`,
    `instance_name = aspirasi-test-${o.port}`,
    `log_path = ${o.log}`,
    `ssl = no`,
    `auth_mechanisms = plain login`,
    `auth_failure_delay = 0`,
    `default_internal_user = ${o.ids.internal.user}`,
    `default_internal_group = ${o.ids.internal.group}`,
    `default_login_user = ${o.ids.login}`,
    `first_valid_uid = ${o.ids.mail.uid}`,
  ];
  const services = [
    `service anvil {`,
    chroot + `}`,
    `service imap-login {`,
    chroot + `  inet_listener imap {`,
    `    ${v24 ? "listen" : "address"} = 127.0.0.1`,
    `    port = ${o.port}`,
    `  }`,
    `  inet_listener imaps {`,
    `    port = 0`,
    `  }`,
    `}`,
  ];
  if (v24) {
    return [
      `dovecot_config_version = 2.4.0`,
      `dovecot_storage_version = 2.4.0`,
      ...common,
      `auth_allow_cleartext = yes`,
      `mail_driver = maildir`,
      `mail_path = ~/Maildir`,
      `passdb passwd-file {`,
      `  passwd_file_path = ${o.passwd}`,
      `}`,
      `userdb passwd-file {`,
      `  passwd_file_path = ${o.passwd}`,
      `}`,
      ...services,
      ``,
    ].join("\n");
  }
  return [
    ...common,
    `disable_plaintext_auth = no`,
    `mail_location = maildir:~/Maildir`,
    `passdb {`,
    `  driver = passwd-file`,
    `  args = ${o.passwd}`,
    `}`,
    `userdb {`,
    `  driver = passwd-file`,
    `  args = ${o.passwd}`,
    `}`,
    ...services,
    ``,
  ].join("\n");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Connects until a greeting says "ready" (the auth process is up), or fails after ms. */
async function waitForGreeting(port: number, ms: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive()) {
    if (await greets(port)) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("dovecot exited before it was ready");
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 3_000);
    socket.on("data", (d: Buffer) => {
      text += d.toString();
      if (/^\* OK .*ready/im.test(text)) {
        socket.end("a LOGOUT\r\n");
        done(true);
      }
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}
