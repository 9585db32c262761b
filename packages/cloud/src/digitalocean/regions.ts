import type { GeographicLocation, RegionInfo } from "../types.ts";

type Row = readonly [slug: string, continent: string, country: string, city: string, lat: number, lng: number];

/**
 * Where DigitalOcean's data centers are, by region slug. `/v2/regions` gives each region's slug
 * and name only; the geography comes from here. A slug not listed (a region opened after this
 * table) is kept with an unknown location rather than dropped.
 */
const rows: readonly Row[] = [
  ["nyc1", "North America", "United States", "New York", 40.71, -74.01],
  ["nyc2", "North America", "United States", "New York", 40.71, -74.01],
  ["nyc3", "North America", "United States", "New York", 40.71, -74.01],
  ["sfo1", "North America", "United States", "San Francisco", 37.77, -122.42],
  ["sfo2", "North America", "United States", "San Francisco", 37.77, -122.42],
  ["sfo3", "North America", "United States", "San Francisco", 37.77, -122.42],
  ["atl1", "North America", "United States", "Atlanta", 33.75, -84.39],
  ["ric1", "North America", "United States", "Richmond", 37.54, -77.44],
  ["tor1", "North America", "Canada", "Toronto", 43.65, -79.38],
  ["ams2", "Europe", "Netherlands", "Amsterdam", 52.37, 4.9],
  ["ams3", "Europe", "Netherlands", "Amsterdam", 52.37, 4.9],
  ["lon1", "Europe", "United Kingdom", "London", 51.51, -0.13],
  ["fra1", "Europe", "Germany", "Frankfurt", 50.11, 8.68],
  ["blr1", "Asia", "India", "Bangalore", 12.97, 77.59],
  ["sgp1", "Asia", "Singapore", "Singapore", 1.35, 103.82],
  ["syd1", "Oceania", "Australia", "Sydney", -33.87, 151.21],
];

export const doRegionCatalog: ReadonlyMap<string, GeographicLocation> = new Map(
  rows.map(([slug, continent, country, city, lat, lng]) => [slug, { continent, country, city, coordinates: { lat, lng } }]),
);

const unknownLocation: GeographicLocation = { continent: "Unknown", country: "Unknown", city: "Unknown", coordinates: { lat: 0, lng: 0 } };

/** One region of the API's list, with the catalog's geography. DigitalOcean regions have no zones. */
export function doRegion(slug: string, name: string | undefined): RegionInfo {
  return { cloud: "digitalocean", code: slug, name: name ?? slug, availabilityZones: [], geographicLocation: doRegionCatalog.get(slug) ?? unknownLocation };
}
