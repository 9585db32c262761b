import type { GeographicLocation, RegionInfo } from "../types.ts";

export interface GcpRegionCatalogEntry {
  code: string;
  name: string;
  zones: readonly string[];
  location: GeographicLocation;
}

function region(
  code: string,
  name: string,
  zoneLetters: string,
  continent: string,
  country: string,
  city: string,
  lat: number,
  lng: number,
): GcpRegionCatalogEntry {
  return {
    code,
    name,
    zones: zoneLetters.split("").map((letter) => `${code}-${letter}`),
    location: { continent, country, city, coordinates: { lat, lng } },
  };
}

/** Compute Engine regions with their zones and where their data centers are. */
export const gcpRegionCatalog: readonly GcpRegionCatalogEntry[] = [
  region("us-central1", "Iowa", "abcf", "North America", "United States", "Council Bluffs", 41.26, -95.86),
  region("us-east1", "South Carolina", "bcd", "North America", "United States", "Moncks Corner", 33.19, -80.01),
  region("us-east4", "Northern Virginia", "abc", "North America", "United States", "Ashburn", 39.04, -77.49),
  region("us-east5", "Columbus", "abc", "North America", "United States", "Columbus", 39.96, -83.0),
  region("us-south1", "Dallas", "abc", "North America", "United States", "Dallas", 32.78, -96.8),
  region("us-west1", "Oregon", "abc", "North America", "United States", "The Dalles", 45.6, -121.18),
  region("us-west2", "Los Angeles", "abc", "North America", "United States", "Los Angeles", 34.05, -118.24),
  region("us-west3", "Salt Lake City", "abc", "North America", "United States", "Salt Lake City", 40.76, -111.89),
  region("us-west4", "Las Vegas", "abc", "North America", "United States", "Las Vegas", 36.17, -115.14),
  region("northamerica-northeast1", "Montréal", "abc", "North America", "Canada", "Montréal", 45.5, -73.57),
  region("northamerica-northeast2", "Toronto", "abc", "North America", "Canada", "Toronto", 43.65, -79.38),
  region("southamerica-east1", "São Paulo", "abc", "South America", "Brazil", "Osasco", -23.53, -46.79),
  region("southamerica-west1", "Santiago", "abc", "South America", "Chile", "Santiago", -33.45, -70.67),
  region("europe-west1", "Belgium", "bcd", "Europe", "Belgium", "St. Ghislain", 50.47, 3.82),
  region("europe-west2", "London", "abc", "Europe", "United Kingdom", "London", 51.51, -0.13),
  region("europe-west3", "Frankfurt", "abc", "Europe", "Germany", "Frankfurt", 50.11, 8.68),
  region("europe-west4", "Netherlands", "abc", "Europe", "Netherlands", "Eemshaven", 53.44, 6.83),
  region("europe-west6", "Zürich", "abc", "Europe", "Switzerland", "Zürich", 47.37, 8.54),
  region("europe-west8", "Milan", "abc", "Europe", "Italy", "Milan", 45.46, 9.19),
  region("europe-west9", "Paris", "abc", "Europe", "France", "Paris", 48.86, 2.35),
  region("europe-north1", "Finland", "abc", "Europe", "Finland", "Hamina", 60.57, 27.19),
  region("europe-central2", "Warsaw", "abc", "Europe", "Poland", "Warsaw", 52.23, 21.01),
  region("europe-southwest1", "Madrid", "abc", "Europe", "Spain", "Madrid", 40.42, -3.7),
  region("asia-east1", "Taiwan", "abc", "Asia", "Taiwan", "Changhua County", 24.05, 120.52),
  region("asia-east2", "Hong Kong", "abc", "Asia", "Hong Kong", "Hong Kong", 22.32, 114.17),
  region("asia-northeast1", "Tokyo", "abc", "Asia", "Japan", "Tokyo", 35.68, 139.69),
  region("asia-northeast2", "Osaka", "abc", "Asia", "Japan", "Osaka", 34.69, 135.5),
  region("asia-northeast3", "Seoul", "abc", "Asia", "South Korea", "Seoul", 37.57, 126.98),
  region("asia-south1", "Mumbai", "abc", "Asia", "India", "Mumbai", 19.08, 72.88),
  region("asia-south2", "Delhi", "abc", "Asia", "India", "Delhi", 28.61, 77.21),
  region("asia-southeast1", "Singapore", "abc", "Asia", "Singapore", "Jurong West", 1.34, 103.71),
  region("asia-southeast2", "Jakarta", "abc", "Asia", "Indonesia", "Jakarta", -6.21, 106.85),
  region("australia-southeast1", "Sydney", "abc", "Oceania", "Australia", "Sydney", -33.87, 151.21),
  region("australia-southeast2", "Melbourne", "abc", "Oceania", "Australia", "Melbourne", -37.81, 144.96),
  region("me-west1", "Tel Aviv", "abc", "Asia", "Israel", "Tel Aviv", 32.09, 34.78),
  region("me-central1", "Doha", "abc", "Asia", "Qatar", "Doha", 25.29, 51.53),
  region("africa-south1", "Johannesburg", "abc", "Africa", "South Africa", "Johannesburg", -26.2, 28.05),
];

const byCode = new Map(gcpRegionCatalog.map((entry) => [entry.code, entry]));

const unknownLocation: GeographicLocation = { continent: "", country: "", city: "", coordinates: { lat: 0, lng: 0 } };

/** What the API said about one region. */
export interface ReportedRegion {
  code: string;
  description?: string | null;
  zones?: readonly string[];
}

/**
 * One region as cloudsync describes it: the API decides which regions exist and their zones;
 * the catalog adds a display name and geography. A region the catalog does not know yet is kept,
 * with empty geography.
 */
export function mergeRegion(reported: ReportedRegion): RegionInfo {
  const known = byCode.get(reported.code);
  const zones = reported.zones && reported.zones.length > 0 ? [...reported.zones] : [...(known?.zones ?? [])];
  return {
    cloud: "gcp",
    code: reported.code,
    name: known?.name ?? (reported.description || reported.code),
    availabilityZones: zones,
    geographicLocation: known ? structuredClone(known.location) : structuredClone(unknownLocation),
  };
}
