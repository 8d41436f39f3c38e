import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = path.dirname(fileURLToPath(import.meta.url));

/** The Balai Warga portal: served at / with its hashed assets under /assets/ (the officer app uses /officer/). */
export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: path.resolve(root, "../../dist/web/portal"),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // MapLibre is loaded on demand and is large by nature; the initial bundle is what we watch (scripts/web-size.ts).
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { "/api": "http://127.0.0.1:3000" } },
});
