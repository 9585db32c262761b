import type { RegionInfo } from "../types.ts";

/**
 * AWS commercial regions with their zones and where they are. DescribeRegions only says which
 * regions an account has enabled; the geography comes from here. Coordinates are the metro
 * area AWS names, not a data-centre address.
 */
type Row = readonly [code: string, name: string, zones: string, continent: string, country: string, city: string, lat: number, lng: number];

const rows: readonly Row[] = [
  ["us-east-1", "US East (N. Virginia)", "abcdef", "North America", "United States", "Ashburn", 39.04, -77.49],
  ["us-east-2", "US East (Ohio)", "abc", "North America", "United States", "Columbus", 39.96, -83.0],
  ["us-west-1", "US West (N. California)", "abc", "North America", "United States", "San Francisco", 37.77, -122.42],
  ["us-west-2", "US West (Oregon)", "abcd", "North America", "United States", "Boardman", 45.84, -119.7],
  ["ca-central-1", "Canada (Central)", "abd", "North America", "Canada", "Montreal", 45.5, -73.57],
  ["ca-west-1", "Canada West (Calgary)", "abc", "North America", "Canada", "Calgary", 51.05, -114.07],
  ["sa-east-1", "South America (São Paulo)", "abc", "South America", "Brazil", "São Paulo", -23.55, -46.63],
  ["eu-west-1", "Europe (Ireland)", "abc", "Europe", "Ireland", "Dublin", 53.35, -6.26],
  ["eu-west-2", "Europe (London)", "abc", "Europe", "United Kingdom", "London", 51.51, -0.13],
  ["eu-west-3", "Europe (Paris)", "abc", "Europe", "France", "Paris", 48.86, 2.35],
  ["eu-central-1", "Europe (Frankfurt)", "abc", "Europe", "Germany", "Frankfurt", 50.11, 8.68],
  ["eu-central-2", "Europe (Zurich)", "abc", "Europe", "Switzerland", "Zurich", 47.37, 8.54],
  ["eu-north-1", "Europe (Stockholm)", "abc", "Europe", "Sweden", "Stockholm", 59.33, 18.07],
  ["eu-south-1", "Europe (Milan)", "abc", "Europe", "Italy", "Milan", 45.46, 9.19],
  ["eu-south-2", "Europe (Spain)", "abc", "Europe", "Spain", "Zaragoza", 41.65, -0.88],
  ["af-south-1", "Africa (Cape Town)", "abc", "Africa", "South Africa", "Cape Town", -33.92, 18.42],
  ["me-south-1", "Middle East (Bahrain)", "abc", "Asia", "Bahrain", "Manama", 26.23, 50.59],
  ["me-central-1", "Middle East (UAE)", "abc", "Asia", "United Arab Emirates", "Dubai", 25.2, 55.27],
  ["il-central-1", "Israel (Tel Aviv)", "abc", "Asia", "Israel", "Tel Aviv", 32.09, 34.78],
  ["ap-south-1", "Asia Pacific (Mumbai)", "abc", "Asia", "India", "Mumbai", 19.08, 72.88],
  ["ap-south-2", "Asia Pacific (Hyderabad)", "abc", "Asia", "India", "Hyderabad", 17.39, 78.49],
  ["ap-east-1", "Asia Pacific (Hong Kong)", "abc", "Asia", "Hong Kong", "Hong Kong", 22.32, 114.17],
  ["ap-southeast-1", "Asia Pacific (Singapore)", "abc", "Asia", "Singapore", "Singapore", 1.35, 103.82],
  ["ap-southeast-2", "Asia Pacific (Sydney)", "abc", "Oceania", "Australia", "Sydney", -33.87, 151.21],
  ["ap-southeast-3", "Asia Pacific (Jakarta)", "abc", "Asia", "Indonesia", "Jakarta", -6.21, 106.85],
  ["ap-southeast-4", "Asia Pacific (Melbourne)", "abc", "Oceania", "Australia", "Melbourne", -37.81, 144.96],
  ["ap-northeast-1", "Asia Pacific (Tokyo)", "acd", "Asia", "Japan", "Tokyo", 35.68, 139.69],
  ["ap-northeast-2", "Asia Pacific (Seoul)", "abcd", "Asia", "South Korea", "Seoul", 37.57, 126.98],
  ["ap-northeast-3", "Asia Pacific (Osaka)", "abc", "Asia", "Japan", "Osaka", 34.69, 135.5],
];

export const awsRegionCatalog: readonly RegionInfo[] = rows.map(([code, name, zones, continent, country, city, lat, lng]) => ({
  cloud: "aws",
  code,
  name,
  availabilityZones: [...zones].map((letter) => `${code}${letter}`),
  geographicLocation: { continent, country, city, coordinates: { lat, lng } },
}));

const byCode = new Map(awsRegionCatalog.map((r) => [r.code, r]));

/**
 * The catalog entry for each region the API reported, in the API's order. A region the catalog
 * does not know yet (AWS opens new ones) is still returned, with empty geography.
 */
export function mergeRegions(reported: readonly string[]): RegionInfo[] {
  return reported.map(
    (code) =>
      byCode.get(code) ?? {
        cloud: "aws",
        code,
        name: code,
        availabilityZones: [],
        geographicLocation: { continent: "", country: "", city: "", coordinates: { lat: 0, lng: 0 } },
      },
  );
}
