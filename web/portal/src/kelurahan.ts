/** The shipped kelurahan polygons (code, name), fetched once per page for the list's place filter and the maps. */
export interface KelurahanFeature {
  type: "Feature";
  properties: { code: string; name: string };
  geometry: unknown;
}
export interface KelurahanCollection {
  type: "FeatureCollection";
  features: KelurahanFeature[];
}

let pending: Promise<KelurahanCollection | null> | null = null;

/** null when the server has none (an older server): the filter then takes no place. */
export function kelurahanCollection(): Promise<KelurahanCollection | null> {
  pending ??= fetch("/api/v1/public/kelurahan.geojson")
    .then((res) => (res.ok ? (res.json() as Promise<KelurahanCollection>) : null))
    .catch(() => {
      pending = null;
      return null;
    });
  return pending;
}

export interface KelurahanName {
  code: string;
  /** the name shown and typed; names that occur twice carry their code to tell them apart */
  label: string;
}

export async function kelurahanNames(): Promise<KelurahanName[]> {
  const fc = await kelurahanCollection();
  if (!fc) return [];
  const counts = new Map<string, number>();
  for (const f of fc.features) counts.set(f.properties.name, (counts.get(f.properties.name) ?? 0) + 1);
  return fc.features
    .map((f) => ({ code: f.properties.code, label: (counts.get(f.properties.name) ?? 0) > 1 ? `${f.properties.name} (${f.properties.code})` : f.properties.name }))
    .sort((a, b) => a.label.localeCompare(b.label, "id"));
}

/** The code of a typed name: exact first, then the only one that matches ignoring case; null when none or several. */
export function kelurahanCode(names: KelurahanName[], typed: string): string | null {
  const v = typed.trim();
  if (!v) return null;
  const exact = names.find((n) => n.label === v || n.code === v);
  if (exact) return exact.code;
  const lower = v.toLowerCase();
  const same = names.filter((n) => n.label.toLowerCase() === lower);
  return same.length === 1 ? same[0]!.code : null;
}
