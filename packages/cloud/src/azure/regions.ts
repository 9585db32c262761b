import type { GeographicLocation, RegionInfo } from "../types.ts";

/**
 * The Azure regions cloudsync knows the geography of. `listRegions()` takes the list of regions
 * from ARM (what the subscription can use) and the geography and zones from here.
 * Zones are ["1","2","3"] for regions with availability zones, [] otherwise.
 */
const az = ["1", "2", "3"];

function region(
  code: string,
  name: string,
  zones: string[],
  continent: string,
  country: string,
  city: string,
  lat: number,
  lng: number,
): RegionInfo {
  return { cloud: "azure", code, name, availabilityZones: zones, geographicLocation: { continent, country, city, coordinates: { lat, lng } } };
}

export const azureRegionCatalog: readonly RegionInfo[] = [
  region("eastus", "East US", az, "North America", "United States", "Virginia", 37.3719, -79.8164),
  region("eastus2", "East US 2", az, "North America", "United States", "Virginia", 36.6681, -78.3889),
  region("centralus", "Central US", az, "North America", "United States", "Iowa", 41.5908, -93.6208),
  region("northcentralus", "North Central US", [], "North America", "United States", "Illinois", 41.8819, -87.6278),
  region("southcentralus", "South Central US", az, "North America", "United States", "Texas", 29.4167, -98.5),
  region("westus", "West US", [], "North America", "United States", "California", 37.783, -122.417),
  region("westus2", "West US 2", az, "North America", "United States", "Washington", 47.233, -119.852),
  region("westus3", "West US 3", az, "North America", "United States", "Phoenix", 33.448376, -112.074036),
  region("canadacentral", "Canada Central", az, "North America", "Canada", "Toronto", 43.653, -79.383),
  region("brazilsouth", "Brazil South", az, "South America", "Brazil", "São Paulo", -23.55, -46.633),
  region("northeurope", "North Europe", az, "Europe", "Ireland", "Dublin", 53.3478, -6.2597),
  region("westeurope", "West Europe", az, "Europe", "Netherlands", "Amsterdam", 52.3667, 4.9),
  region("uksouth", "UK South", az, "Europe", "United Kingdom", "London", 50.941, -0.799),
  region("ukwest", "UK West", [], "Europe", "United Kingdom", "Cardiff", 53.427, -3.084),
  region("francecentral", "France Central", az, "Europe", "France", "Paris", 46.3772, 2.373),
  region("germanywestcentral", "Germany West Central", az, "Europe", "Germany", "Frankfurt", 50.110924, 8.682127),
  region("switzerlandnorth", "Switzerland North", az, "Europe", "Switzerland", "Zürich", 47.451542, 8.564572),
  region("swedencentral", "Sweden Central", az, "Europe", "Sweden", "Gävle", 60.67488, 17.14127),
  region("norwayeast", "Norway East", az, "Europe", "Norway", "Oslo", 59.913868, 10.752245),
  region("italynorth", "Italy North", az, "Europe", "Italy", "Milan", 45.46888, 9.18109),
  region("polandcentral", "Poland Central", az, "Europe", "Poland", "Warsaw", 52.23334, 21.01666),
  region("uaenorth", "UAE North", az, "Middle East", "United Arab Emirates", "Dubai", 25.266666, 55.316666),
  region("southafricanorth", "South Africa North", az, "Africa", "South Africa", "Johannesburg", -25.73134, 28.21837),
  region("centralindia", "Central India", az, "Asia", "India", "Pune", 18.5822, 73.9197),
  region("southeastasia", "Southeast Asia", az, "Asia", "Singapore", "Singapore", 1.283, 103.833),
  region("eastasia", "East Asia", az, "Asia", "Hong Kong", "Hong Kong", 22.267, 114.188),
  region("japaneast", "Japan East", az, "Asia", "Japan", "Tokyo", 35.68, 139.77),
  region("koreacentral", "Korea Central", az, "Asia", "South Korea", "Seoul", 37.5665, 126.978),
  region("australiaeast", "Australia East", az, "Oceania", "Australia", "Sydney", -33.86, 151.2094),
];

const catalogByCode = new Map(azureRegionCatalog.map((r) => [r.code, r]));

export function catalogRegion(code: string): RegionInfo | undefined {
  return catalogByCode.get(code);
}

export const unknownGeography: GeographicLocation = {
  continent: "",
  country: "",
  city: "",
  coordinates: { lat: 0, lng: 0 },
};
