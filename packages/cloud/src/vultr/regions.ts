import type { RegionInfo } from "../types.ts";

/**
 * Coordinates of Vultr's data centers, which `GET /v2/regions` does not give (it gives city,
 * ISO country and continent). A region missing here keeps what the API says, at 0,0 — the same
 * convention as the other clouds' catalogs.
 */
export const vultrRegionCoordinates: Readonly<Record<string, { lat: number; lng: number }>> = {
  ewr: { lat: 40.74, lng: -74.17 },
  ord: { lat: 41.88, lng: -87.63 },
  dfw: { lat: 32.78, lng: -96.8 },
  sea: { lat: 47.61, lng: -122.33 },
  lax: { lat: 34.05, lng: -118.24 },
  atl: { lat: 33.75, lng: -84.39 },
  sjc: { lat: 37.34, lng: -121.89 },
  mia: { lat: 25.76, lng: -80.19 },
  yto: { lat: 43.65, lng: -79.38 },
  mex: { lat: 19.43, lng: -99.13 },
  sao: { lat: -23.55, lng: -46.63 },
  scl: { lat: -33.45, lng: -70.67 },
  ams: { lat: 52.37, lng: 4.9 },
  fra: { lat: 50.11, lng: 8.68 },
  lhr: { lat: 51.51, lng: -0.13 },
  cdg: { lat: 48.86, lng: 2.35 },
  mad: { lat: 40.42, lng: -3.7 },
  waw: { lat: 52.23, lng: 21.01 },
  sto: { lat: 59.33, lng: 18.07 },
  man: { lat: 53.48, lng: -2.24 },
  nrt: { lat: 35.68, lng: 139.69 },
  itm: { lat: 34.69, lng: 135.5 },
  icn: { lat: 37.57, lng: 126.98 },
  sgp: { lat: 1.35, lng: 103.82 },
  bom: { lat: 19.08, lng: 72.88 },
  del: { lat: 28.61, lng: 77.21 },
  blr: { lat: 12.97, lng: 77.59 },
  tlv: { lat: 32.09, lng: 34.78 },
  jnb: { lat: -26.2, lng: 28.05 },
  syd: { lat: -33.87, lng: 151.21 },
  mel: { lat: -37.81, lng: 144.96 },
  hnl: { lat: 21.31, lng: -157.86 },
};

export interface VultrRegionItem {
  id?: unknown;
  city?: unknown;
  country?: unknown;
  continent?: unknown;
}

/** Pure: one `/v2/regions` item → a region (null without an id). Vultr regions have no zones. */
export function normalizeRegion(raw: VultrRegionItem): RegionInfo | null {
  if (typeof raw.id !== "string" || !raw.id) return null;
  const city = typeof raw.city === "string" ? raw.city : "";
  return {
    cloud: "vultr",
    code: raw.id,
    name: city || raw.id,
    availabilityZones: [],
    geographicLocation: {
      continent: typeof raw.continent === "string" ? raw.continent : "",
      country: typeof raw.country === "string" ? raw.country : "",
      city,
      coordinates: { ...(vultrRegionCoordinates[raw.id] ?? { lat: 0, lng: 0 }) },
    },
  };
}
