import type { Queryable } from "./db.ts";

/**
 * The kelurahan boundaries as one GeoJSON FeatureCollection text (code and name per feature), for the
 * portal's offline base map. Built in SQL so the whole layer is one round trip.
 */
export async function kelurahanFeatureCollection(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ code: string; name: string; geometry: unknown }>(
    "select code, name, geometry from regions where level = 'desa_kelurahan' and geometry is not null order by code",
  );
  return JSON.stringify({
    type: "FeatureCollection",
    features: rows.map((r) => ({ type: "Feature", properties: { code: r.code, name: r.name }, geometry: r.geometry })),
  });
}
