import { createHash } from "node:crypto";
import { kelurahanFeatureCollection } from "../store/geo.store.ts";
import type { AppContext } from "./context.ts";

/**
 * The portal's kelurahan layer (GeoJSON text and its ETag). Boundaries are not edited through the
 * API: the layer is built once per loader and built again only after a failed load.
 */
export function kelurahanLayerLoader(ctx: AppContext): () => Promise<{ json: string; etag: string }> {
  let layer: Promise<{ json: string; etag: string }> | undefined;
  return () =>
    (layer ??= kelurahanFeatureCollection(ctx.pool).then((json) => ({ json, etag: `"${createHash("sha1").update(json).digest("hex").slice(0, 16)}"` }))).catch((err: unknown) => {
      layer = undefined;
      throw err;
    });
}
