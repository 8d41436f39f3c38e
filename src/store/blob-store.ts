import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, unlink } from "node:fs/promises";
import path from "node:path";

/**
 * Opaque binary object storage (report photos and other attachments).
 *
 * Keys are opaque, path-safe strings chosen by the application, e.g.
 * `reports/<reportId>/<photoId>/public.jpg`: 1–512 characters from
 * `[A-Za-z0-9._~/-]`, `/`-separated segments that are non-empty and never `.` or `..`,
 * no leading `/`, no backslash. Anything else is rejected with an `Error` (a programming
 * error, not a user-facing failure) by every implementation — see {@link assertValidBlobKey}.
 *
 * {@link FsBlobStore} keeps blobs on the local filesystem (single node / development).
 * An S3-compatible store (AWS S3, MinIO, Cloudflare R2, …) implements the same interface:
 * the key maps 1:1 to the object key, `contentType` to the object's `Content-Type`,
 * `get` of a missing object (404 / NoSuchKey) returns `null`, and `delete` of a missing
 * object succeeds silently. Callers must not assume keys correspond to file paths.
 */
export interface BlobStore {
  /** Store `data` under `key`, replacing any existing blob atomically (readers see old or new, never a mix). */
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The blob and its content type, or `null` when no blob is stored under `key`. */
  get(key: string): Promise<{ data: Buffer; contentType: string } | null>;
  /** Remove the blob; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const MAX_KEY_LENGTH = 512;
const KEY_CHARS = /^[A-Za-z0-9._~/-]+$/;
/** type/subtype with optional parameters; no control characters. */
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[ !#-[\]-~]*"))*$/;
const MAX_CONTENT_TYPE_LENGTH = 200;
const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** Throws an `Error` if `key` is not a valid blob key (see {@link BlobStore}). */
export function assertValidBlobKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new Error(`invalid blob key: length must be 1..${MAX_KEY_LENGTH}`);
  }
  if (key.includes("\\")) throw new Error("invalid blob key: backslash not allowed");
  if (key.startsWith("/") || path.isAbsolute(key) || /^[A-Za-z]:/.test(key)) {
    throw new Error("invalid blob key: absolute paths not allowed");
  }
  if (!KEY_CHARS.test(key)) throw new Error("invalid blob key: disallowed characters");
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new Error("invalid blob key: empty, '.' or '..' path segment");
    }
  }
}

function assertValidContentType(contentType: string): void {
  if (
    typeof contentType !== "string" ||
    contentType.length === 0 ||
    contentType.length > MAX_CONTENT_TYPE_LENGTH ||
    !CONTENT_TYPE.test(contentType)
  ) {
    throw new Error("invalid blob content type");
  }
}

interface BlobMeta {
  key: string;
  contentType: string;
  size: number;
}

function isBlobMeta(value: unknown): value is BlobMeta {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.key === "string" && typeof v.contentType === "string" && typeof v.size === "number";
}

function isErrnoCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/**
 * Filesystem-backed {@link BlobStore}, rooted at a directory such as `<DATA_DIR>/blobs`.
 *
 * Layout: the key is hashed (SHA-256, hex) and the blob stored at
 * `<root>/<h0h1>/<h2h3>/<hash>.bin` with a sidecar `<hash>.meta.json`
 * (`{ key, contentType, size }`). Hashing keeps file names short and fixed-charset and
 * spreads files over 65 536 shard directories, so no key can name a path outside the root
 * (keys are still validated so that every implementation accepts the same keys).
 *
 * Writes go to a uniquely named temp file in the same directory, are fsynced, then
 * renamed over the target (atomic on POSIX), and the directory is fsynced. The sidecar
 * is written before the blob, so a reader that finds the blob finds the matching
 * (or, after a crash mid-overwrite, the newer) content type; a blob without a sidecar
 * is served as `application/octet-stream`. `delete` removes the blob first, so a
 * half-finished delete already reads as "missing".
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    assertValidBlobKey(key);
    assertValidContentType(contentType);
    if (!Buffer.isBuffer(data)) throw new Error("blob data must be a Buffer");
    const { dir, dataPath, metaPath } = this.locate(key);
    await mkdir(dir, { recursive: true });
    const meta: BlobMeta = { key, contentType, size: data.length };
    await writeFileAtomic(metaPath, Buffer.from(JSON.stringify(meta), "utf8"));
    await writeFileAtomic(dataPath, data);
    await fsyncDir(dir);
  }

  async get(key: string): Promise<{ data: Buffer; contentType: string } | null> {
    assertValidBlobKey(key);
    const { dataPath, metaPath } = this.locate(key);
    let data: Buffer;
    try {
      data = await readFile(dataPath);
    } catch (err) {
      if (isErrnoCode(err, "ENOENT")) return null;
      throw err;
    }
    let contentType = FALLBACK_CONTENT_TYPE;
    try {
      const parsed: unknown = JSON.parse(await readFile(metaPath, "utf8"));
      if (isBlobMeta(parsed) && parsed.key === key) contentType = parsed.contentType;
    } catch (err) {
      // Missing or unreadable sidecar: serve the bytes with a neutral type rather than fail.
      if (!isErrnoCode(err, "ENOENT") && !(err instanceof SyntaxError)) throw err;
    }
    return { data, contentType };
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    const { dir, dataPath, metaPath } = this.locate(key);
    await rm(dataPath, { force: true });
    await rm(metaPath, { force: true });
    try {
      await fsyncDir(dir);
    } catch (err) {
      if (!isErrnoCode(err, "ENOENT")) throw err;
    }
  }

  private locate(key: string): { dir: string; dataPath: string; metaPath: string } {
    const hash = createHash("sha256").update(key, "utf8").digest("hex");
    const dir = path.join(this.root, hash.slice(0, 2), hash.slice(2, 4));
    return {
      dir,
      dataPath: path.join(dir, `${hash}.bin`),
      metaPath: path.join(dir, `${hash}.meta.json`),
    };
  }
}

async function writeFileAtomic(target: string, data: Buffer): Promise<void> {
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tmp, "wx", 0o640);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Persist directory entries (renames). Not supported on every platform (e.g. Windows); best effort there. */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
