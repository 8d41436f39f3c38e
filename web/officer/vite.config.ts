import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The officer workspace: served by the API at /officer/ from dist/web/officer. */
export default defineConfig({
  root: here,
  base: "/officer/",
  plugins: [react()],
  build: {
    outDir: path.resolve(here, "../../dist/web/officer"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
});
