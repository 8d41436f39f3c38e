import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsBlobStore, assertValidBlobKey } from "./blob-store.ts";

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe("FsBlobStore", () => {
  let tmp: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "aspirasi-blob-"));
    store = new FsBlobStore(path.join(tmp, "blobs"));
  });

  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("round-trips put/get/delete", async () => {
    const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await store.put("reports/42/photo-1/original.jpg", data, "image/jpeg");
    const got = await store.get("reports/42/photo-1/original.jpg");
    expect(got).not.toBeNull();
    expect(got?.contentType).toBe("image/jpeg");
    expect(got?.data.equals(data)).toBe(true);

    await store.delete("reports/42/photo-1/original.jpg");
    expect(await store.get("reports/42/photo-1/original.jpg")).toBeNull();
    expect(await listFiles(store.root)).toEqual([]);
  });

  it("returns null for a missing key and deleting it is a no-op", async () => {
    expect(await store.get("nope/never-written")).toBeNull();
    await expect(store.delete("nope/never-written")).resolves.toBeUndefined();
  });

  it("overwrites atomically, replacing data and content type, leaving no temp files", async () => {
    await store.put("k", Buffer.from("first"), "text/plain");
    await store.put("k", Buffer.from("second version"), "application/json; charset=utf-8");
    const got = await store.get("k");
    expect(got?.data.toString()).toBe("second version");
    expect(got?.contentType).toBe("application/json; charset=utf-8");
    const files = await listFiles(store.root);
    expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);
    expect(files.filter((f) => f.endsWith(".bin"))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith(".meta.json"))).toHaveLength(1);
  });

  it("shards blobs into subdirectories under the root", async () => {
    await store.put("a", Buffer.from("1"), "text/plain");
    await store.put("b", Buffer.from("2"), "text/plain");
    const files = await listFiles(store.root);
    expect(files).toHaveLength(4);
    for (const f of files) {
      const rel = path.relative(store.root, f).split(path.sep);
      expect(rel).toHaveLength(3);
      expect(rel[0]).toMatch(/^[0-9a-f]{2}$/);
      expect(rel[1]).toMatch(/^[0-9a-f]{2}$/);
    }
  });

  it("keeps distinct keys apart", async () => {
    await store.put("x/y", Buffer.from("xy"), "text/plain");
    await store.put("x", Buffer.from("x"), "image/png");
    expect((await store.get("x/y"))?.data.toString()).toBe("xy");
    expect((await store.get("x"))?.contentType).toBe("image/png");
  });

  it("handles an empty blob", async () => {
    await store.put("empty", Buffer.alloc(0), "application/octet-stream");
    const got = await store.get("empty");
    expect(got?.data.length).toBe(0);
  });

  it.each([
    "../x",
    "a/../../x",
    "..",
    ".",
    "a/./b",
    "/etc/passwd",
    "a\\b",
    "..\\x",
    "C:/x",
    "a//b",
    "a/",
    "",
    "a\0b",
    "a b",
    "ä",
    "x".repeat(513),
  ])("rejects the unsafe key %j on put, get and delete", async (key) => {
    expect(() => assertValidBlobKey(key)).toThrow(Error);
    await expect(store.put(key, Buffer.from("x"), "text/plain")).rejects.toThrow(/invalid blob key/);
    await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
    await expect(store.delete(key)).rejects.toThrow(/invalid blob key/);
  });

  it("writes nothing outside the root for a rejected key", async () => {
    await expect(store.put("../escape", Buffer.from("x"), "text/plain")).rejects.toThrow();
    expect(await readdir(tmp)).toEqual([]);
  });

  it("rejects a malformed content type", async () => {
    await expect(store.put("k", Buffer.from("x"), "text/plain\r\nX-Evil: 1")).rejects.toThrow(/content type/);
    await expect(store.put("k", Buffer.from("x"), "")).rejects.toThrow(/content type/);
    await expect(store.put("k", Buffer.from("x"), 'text/plain; a="x\\""')).rejects.toThrow(/content type/);
    await store.put("k", Buffer.from("x"), "text/plain; charset=\"utf-8\"");
    expect((await store.get("k"))?.contentType).toBe("text/plain; charset=\"utf-8\"");
  });

  it("accepts typical keys", () => {
    for (const key of ["a", "reports/1/2/public.jpg", "r_1-2.3~x", ".hidden/file"]) {
      expect(() => assertValidBlobKey(key)).not.toThrow();
    }
  });
});
