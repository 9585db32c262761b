import type { RegionInfo } from "../types.ts";
import type { RawLocation } from "./clients.ts";
import { normalizeRegion } from "./normalize.ts";
import { catalogRegion, unknownGeography } from "./regions.ts";

/**
 * ARM's locations of a subscription, enriched from the catalog. Logical locations (`europe`,
 * `global`-style groupings) hold no resources of their own and are left out. A region the
 * catalog does not know keeps what ARM says about it (coordinates, physical location, country)
 * and an empty continent, so a new region shows up before the catalog learns it.
 */
export function mergeRegions(locations: readonly RawLocation[]): RegionInfo[] {
  const out: RegionInfo[] = [];
  const seen = new Set<string>();
  for (const location of locations) {
    if (!location.name || location.metadata?.regionType?.toLowerCase() === "logical") continue;
    const code = normalizeRegion(location.name);
    if (seen.has(code)) continue;
    seen.add(code);
    const known = catalogRegion(code);
    const apiZones = (location.availabilityZoneMappings ?? [])
      .map((m) => m.logicalZone)
      .filter((z): z is string => typeof z === "string" && z.length > 0)
      .sort();
    if (known) {
      out.push({
        ...known,
        availabilityZones: apiZones.length > 0 ? apiZones : [...known.availabilityZones],
        geographicLocation: { ...known.geographicLocation, coordinates: { ...known.geographicLocation.coordinates } },
      });
      continue;
    }
    const lat = Number(location.metadata?.latitude);
    const lng = Number(location.metadata?.longitude);
    const hasCoordinates = location.metadata?.latitude !== undefined && Number.isFinite(lat) && Number.isFinite(lng);
    out.push({
      cloud: "azure",
      code,
      name: location.displayName ?? code,
      availabilityZones: apiZones,
      geographicLocation: {
        ...unknownGeography,
        country: location.metadata?.geography ?? "",
        city: location.metadata?.physicalLocation ?? "",
        coordinates: hasCoordinates ? { lat, lng } : { ...unknownGeography.coordinates },
      },
    });
  }
  return out;
}
