import type { GeographicLocation, RegionInfo } from "../types.ts";

export interface LinodeRegionCatalogEntry {
  code: string;
  continent: string;
  country: string;
  city: string;
  lat: number;
  lng: number;
}

const entry = (code: string, continent: string, country: string, city: string, lat: number, lng: number): LinodeRegionCatalogEntry => ({
  code,
  continent,
  country,
  city,
  lat,
  lng,
});

/**
 * Where Linode's core regions are. The API's region list says which regions exist, their
 * display name (`label`, e.g. "Newark, NJ") and two-letter country; it gives no continent or
 * coordinates, which this catalog adds.
 */
export const linodeRegionCatalog: readonly LinodeRegionCatalogEntry[] = [
  entry("us-east", "North America", "United States", "Newark", 40.74, -74.17),
  entry("us-central", "North America", "United States", "Dallas", 32.78, -96.8),
  entry("us-west", "North America", "United States", "Fremont", 37.55, -121.99),
  entry("us-southeast", "North America", "United States", "Atlanta", 33.75, -84.39),
  entry("us-iad", "North America", "United States", "Washington, DC", 38.9, -77.04),
  entry("us-ord", "North America", "United States", "Chicago", 41.88, -87.63),
  entry("us-sea", "North America", "United States", "Seattle", 47.61, -122.33),
  entry("us-lax", "North America", "United States", "Los Angeles", 34.05, -118.24),
  entry("us-mia", "North America", "United States", "Miami", 25.76, -80.19),
  entry("ca-central", "North America", "Canada", "Toronto", 43.65, -79.38),
  entry("br-gru", "South America", "Brazil", "São Paulo", -23.55, -46.63),
  entry("eu-west", "Europe", "United Kingdom", "London", 51.51, -0.13),
  entry("gb-lon", "Europe", "United Kingdom", "London", 51.51, -0.13),
  entry("eu-central", "Europe", "Germany", "Frankfurt", 50.11, 8.68),
  entry("de-fra-2", "Europe", "Germany", "Frankfurt", 50.11, 8.68),
  entry("fr-par", "Europe", "France", "Paris", 48.86, 2.35),
  entry("nl-ams", "Europe", "Netherlands", "Amsterdam", 52.37, 4.9),
  entry("se-sto", "Europe", "Sweden", "Stockholm", 59.33, 18.07),
  entry("it-mil", "Europe", "Italy", "Milan", 45.46, 9.19),
  entry("es-mad", "Europe", "Spain", "Madrid", 40.42, -3.7),
  entry("ap-south", "Asia", "Singapore", "Singapore", 1.35, 103.82),
  entry("sg-sin-2", "Asia", "Singapore", "Singapore", 1.35, 103.82),
  entry("ap-northeast", "Asia", "Japan", "Tokyo", 35.68, 139.69),
  entry("jp-tyo-3", "Asia", "Japan", "Tokyo", 35.68, 139.69),
  entry("jp-osa", "Asia", "Japan", "Osaka", 34.69, 135.5),
  entry("ap-west", "Asia", "India", "Mumbai", 19.08, 72.88),
  entry("in-bom-2", "Asia", "India", "Mumbai", 19.08, 72.88),
  entry("in-maa", "Asia", "India", "Chennai", 13.08, 80.27),
  entry("id-cgk", "Asia", "Indonesia", "Jakarta", -6.21, 106.85),
  entry("ap-southeast", "Oceania", "Australia", "Sydney", -33.87, 151.21),
  entry("au-mel", "Oceania", "Australia", "Melbourne", -37.81, 144.96),
];

const byCode = new Map(linodeRegionCatalog.map((e) => [e.code, e]));

/** What `/regions` said about one region. */
export interface ReportedLinodeRegion {
  id: string;
  label?: string | null;
  country?: string | null;
}

/**
 * One region as cloudsync describes it: the API decides which regions exist and names them
 * (its `label`); the catalog adds geography. A region the catalog does not know is kept with the
 * API's country code and no coordinates. Linode regions have no availability zones.
 */
export function mergeLinodeRegion(reported: ReportedLinodeRegion): RegionInfo {
  const known = byCode.get(reported.id);
  const location: GeographicLocation = known
    ? { continent: known.continent, country: known.country, city: known.city, coordinates: { lat: known.lat, lng: known.lng } }
    : { continent: "", country: (reported.country ?? "").toUpperCase(), city: reported.label ?? "", coordinates: { lat: 0, lng: 0 } };
  return { cloud: "linode", code: reported.id, name: reported.label || reported.id, availabilityZones: [], geographicLocation: location };
}
