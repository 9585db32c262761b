import type { RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, googleError } from "./wire.ts";

/**
 * The Cloud Billing Catalog API (v1) as its REST reference shapes it:
 * - `GET /v1/services` → `{ services: [{ name, serviceId, displayName, businessEntityName }], nextPageToken }`;
 * - `GET /v1/services/{serviceId}/skus?currencyCode=…` → `{ skus: [Sku], nextPageToken }`, each Sku with
 *   `name`, `skuId`, `description`, `category { serviceDisplayName, resourceFamily, resourceGroup,
 *   usageType }`, `serviceRegions`, `pricingInfo [{ effectiveTime, summary, pricingExpression {
 *   usageUnit, usageUnitDescription, baseUnit, baseUnitDescription, baseUnitConversionFactor,
 *   displayQuantity, tieredRates [{ startUsageAmount, unitPrice { currencyCode, units, nanos } }] },
 *   currencyConversionRate }]`, `serviceProviderName`, `geoTaxonomy { type, regions }`.
 * Pages hold at most 5,000 items (the documented maximum; `pageSize` lowers it); the last page has
 * no `nextPageToken`. Enums travel as names, or as numbers when the client asks
 * `$alt=json;enum-encoding=int` (the SDK's REST transport does).
 *
 * Prices: the published us-central1 list prices of each machine series' vCPU and GiB of memory
 * (N2 vCPU $0.031611/h, GiB $0.004237/h…), persistent disk GB-months, the unused static IP hour
 * and the forwarding-rule hour; other regions charge them times the region's ratio, in SKUs of
 * their own ("… running in Virginia"), as the real catalog does. Spot is about 24 % of on-demand,
 * a one-year commitment 63 %. The adapter composes machine prices from these; the emulator's
 * `expectedMachinePrice` does the same sum independently, for tests.
 */

export const computeEngineServiceId = "6F81-5844-456A";
const cloudSqlServiceId = "9662-B51E-5089";

const services = [
  { serviceId: "95FF-2EF5-5EA1", displayName: "Cloud Storage" },
  { serviceId: "24E6-581D-38E5", displayName: "BigQuery" },
  { serviceId: cloudSqlServiceId, displayName: "Cloud SQL" },
  { serviceId: "CCD8-9BF1-090E", displayName: "Kubernetes Engine" },
  { serviceId: computeEngineServiceId, displayName: "Compute Engine" },
  { serviceId: "58CD-E7C3-72CA", displayName: "Cloud Monitoring" },
];

/** Price geographies: the catalog's name in SKU descriptions, their regions, the price ratio to us-central1. */
const geographies: readonly { name: string; regions: readonly string[]; ratio: number }[] = [
  { name: "Americas", regions: ["us-central1", "us-east1", "us-west1"], ratio: 1 },
  { name: "Virginia", regions: ["us-east4"], ratio: 1.126 },
  { name: "Belgium", regions: ["europe-west1"], ratio: 1.1 },
  { name: "Frankfurt", regions: ["europe-west3"], ratio: 1.29 },
  { name: "Netherlands", regions: ["europe-west4"], ratio: 1.1 },
  { name: "Turin", regions: ["europe-west12"], ratio: 1.18 },
  { name: "Tokyo", regions: ["asia-northeast1"], ratio: 1.29 },
  { name: "Singapore", regions: ["asia-southeast1"], ratio: 1.23 },
  { name: "Sydney", regions: ["australia-southeast1"], ratio: 1.42 },
  { name: "Sao Paulo", regions: ["southamerica-east1"], ratio: 1.59 },
];

/**
 * Machine series as the catalog names them in descriptions, with their us-central1 nanos per
 * vCPU-hour and per GiB-hour. `commitName` is the series' name in commitment SKUs (N1's have none).
 */
const series: readonly { prefix: string; name: string; instanceWord: boolean; commitName: string; core: number; ram: number }[] = [
  { prefix: "n1", name: "N1 Predefined", instanceWord: true, commitName: "", core: 31_611_000, ram: 4_237_000 },
  { prefix: "n2", name: "N2", instanceWord: true, commitName: "N2 ", core: 31_611_000, ram: 4_237_000 },
  { prefix: "n2d", name: "N2D AMD", instanceWord: true, commitName: "N2D AMD ", core: 27_502_000, ram: 3_686_000 },
  { prefix: "e2", name: "E2", instanceWord: true, commitName: "E2 ", core: 21_811_000, ram: 2_923_000 },
  { prefix: "c2", name: "Compute optimized", instanceWord: false, commitName: "Compute optimized ", core: 33_982_000, ram: 4_555_000 },
  { prefix: "t2d", name: "T2D AMD", instanceWord: true, commitName: "T2D AMD ", core: 27_502_000, ram: 3_686_000 },
];

const termRatio = { OnDemand: 1, Preemptible: 0.24, Commit1Yr: 0.63, Commit3Yr: 0.45 } as const;
type UsageType = keyof typeof termRatio;

/** Persistent disk GB-month nanos in us-central1, by the description's prefix. */
const disks: readonly { type: string; description: string; nanos: number; group: string }[] = [
  { type: "pd-standard", description: "Storage PD Capacity", nanos: 40_000_000, group: "PDStandard" },
  { type: "pd-ssd", description: "SSD backed PD Capacity", nanos: 170_000_000, group: "SSD" },
  { type: "pd-balanced", description: "Balanced PD Capacity", nanos: 100_000_000, group: "SSD" },
  { type: "snapshot", description: "Storage PD Snapshot", nanos: 50_000_000, group: "PDSnapshot" },
];

/**
 * Cloud Storage classes' GiB-month nanos in us-central1 (regional) and in the US and EU
 * multi-regions, as the catalog prices them: regional SKUs "Standard Storage Iowa" (resource
 * group RegionalStorage) and "Nearline Storage Iowa" (NearlineStorage) per place, multi-region
 * ones "… Storage US Multi-region" (MultiRegionalStorage / NearlineStorage).
 */
export const cloudStorageServiceId = "95FF-2EF5-5EA1";
const storageClasses: readonly { name: string; group: string; regional: number; multi: number }[] = [
  { name: "Standard", group: "RegionalStorage", regional: 20_000_000, multi: 26_000_000 },
  { name: "Nearline", group: "NearlineStorage", regional: 10_000_000, multi: 10_000_000 },
];
const multiRegions: readonly { name: string; region: string }[] = [
  { name: "US Multi-region", region: "us" },
  { name: "EU Multi-region", region: "eu" },
];
/** The catalog's place names of regions whose price geography spans several (others: the geography's name). */
const storagePlaces: Readonly<Record<string, string>> = { "us-central1": "Iowa", "us-east1": "South Carolina", "us-west1": "Oregon" };

const staticIpNanos = 10_000_000;
const forwardingRuleNanos = 25_000_000;

/** Reference conversion rates the catalog applies for `currencyCode` (its `currencyConversionRate`). */
const perUsd: Readonly<Record<string, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 150 };

const geoTypeNumbers = { GLOBAL: 1, REGIONAL: 2, MULTI_REGIONAL: 3 } as const;

interface CatalogSku {
  skuId: string;
  description: string;
  resourceFamily: string;
  resourceGroup: string;
  usageType: UsageType;
  regions: readonly string[];
  usageUnit: "h" | "GiBy.h" | "GiBy.mo" | "GiBy";
  /** us-central1 USD nanos per usage unit, before the region ratio. */
  nanos: number;
  serviceId: string;
}

function scaled(nanos: number, ratio: number): number {
  // Catalog prices carry at most six decimals: round to a thousand nanos.
  return Math.round((nanos * ratio) / 1000) * 1000;
}

function skuIdOf(n: number): string {
  const hex = (0x1a2b3c + n * 7919).toString(16).toUpperCase().padStart(12, "0").slice(-12);
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
}

function buildSkus(): CatalogSku[] {
  const out: CatalogSku[] = [];
  const push = (s: Omit<CatalogSku, "skuId">) => out.push({ ...s, skuId: skuIdOf(out.length) });
  for (const geo of geographies) {
    for (const s of series) {
      for (const usage of ["OnDemand", "Preemptible", "Commit1Yr", "Commit3Yr"] as const) {
        for (const part of ["Core", "Ram"] as const) {
          const nanos = scaled(part === "Core" ? s.core : s.ram, geo.ratio * termRatio[usage]);
          const word = s.instanceWord ? " Instance" : "";
          const description =
            usage === "OnDemand"
              ? `${s.name}${word} ${part} running in ${geo.name}`
              : usage === "Preemptible"
                ? `Spot Preemptible ${s.name}${word} ${part} running in ${geo.name}`
                : `Commitment v1: ${s.commitName}${part === "Core" ? "Cpu" : "Ram"} in ${geo.name} for ${usage === "Commit1Yr" ? "1 Year" : "3 Year"}`;
          push({
            description,
            resourceFamily: "Compute",
            resourceGroup: usage.startsWith("Commit") ? (part === "Core" ? "CPU" : "RAM") : `${s.prefix.toUpperCase()}Standard`,
            usageType: usage,
            regions: geo.regions,
            usageUnit: part === "Core" ? "h" : "GiBy.h",
            nanos,
            serviceId: computeEngineServiceId,
          });
        }
      }
    }
    const suffix = geo.name === "Americas" ? "" : ` in ${geo.name}`;
    for (const d of disks) {
      push({ description: `${d.description}${suffix}`, resourceFamily: "Storage", resourceGroup: d.group, usageType: "OnDemand", regions: geo.regions, usageUnit: "GiBy.mo", nanos: scaled(d.nanos, geo.ratio), serviceId: computeEngineServiceId });
    }
    push({ description: `Static Ip Charge${suffix}`, resourceFamily: "Network", resourceGroup: "IpAddress", usageType: "OnDemand", regions: geo.regions, usageUnit: "h", nanos: scaled(staticIpNanos, geo.ratio), serviceId: computeEngineServiceId });
    push({
      description: `Network Load Balancing: Forwarding Rule Minimum Service Charge in ${geo.name}`,
      resourceFamily: "Network",
      resourceGroup: "LoadBalancing",
      usageType: "OnDemand",
      regions: geo.regions,
      usageUnit: "h",
      nanos: scaled(forwardingRuleNanos, geo.ratio),
      serviceId: computeEngineServiceId,
    });
    // SKUs cloudsync does not price, so a reader must tell them apart by more than a word.
    push({ description: `N2 Custom Instance Core running in ${geo.name}`, resourceFamily: "Compute", resourceGroup: "N2Standard", usageType: "OnDemand", regions: geo.regions, usageUnit: "h", nanos: scaled(33_191_000, geo.ratio), serviceId: computeEngineServiceId });
    push({ description: `Nvidia Tesla T4 GPU running in ${geo.name}`, resourceFamily: "Compute", resourceGroup: "GPU", usageType: "OnDemand", regions: geo.regions, usageUnit: "h", nanos: scaled(350_000_000, geo.ratio), serviceId: computeEngineServiceId });
    push({ description: `Network Internet Egress from ${geo.name} to Americas`, resourceFamily: "Network", resourceGroup: "InterregionEgress", usageType: "OnDemand", regions: geo.regions, usageUnit: "GiBy", nanos: scaled(120_000_000, geo.ratio), serviceId: computeEngineServiceId });
    push({ description: `Cloud SQL for PostgreSQL: Zonal - vCPU in ${geo.name}`, resourceFamily: "ApplicationServices", resourceGroup: "SQLGen2InstancesCPU", usageType: "OnDemand", regions: geo.regions, usageUnit: "h", nanos: scaled(41_300_000, geo.ratio), serviceId: cloudSqlServiceId });
    push({ description: `Cloud SQL for PostgreSQL: Zonal - RAM in ${geo.name}`, resourceFamily: "ApplicationServices", resourceGroup: "SQLGen2InstancesRAM", usageType: "OnDemand", regions: geo.regions, usageUnit: "GiBy.h", nanos: scaled(7_000_000, geo.ratio), serviceId: cloudSqlServiceId });
  }
  // Cloud Storage, after every other SKU so their ids stay as they were: one SKU per class and
  // region (the catalog names the place: Iowa for us-central1), then the multi-regions.
  for (const geo of geographies) {
    for (const region of geo.regions) {
      const place = storagePlaces[region] ?? geo.name;
      for (const c of storageClasses) {
        push({ description: `${c.name} Storage ${place}`, resourceFamily: "Storage", resourceGroup: c.group, usageType: "OnDemand", regions: [region], usageUnit: "GiBy.mo", nanos: scaled(c.regional, geo.ratio), serviceId: cloudStorageServiceId });
      }
    }
  }
  for (const m of multiRegions) {
    for (const c of storageClasses) {
      push({ description: `${c.name} Storage ${m.name}`, resourceFamily: "Storage", resourceGroup: c.name === "Standard" ? "MultiRegionalStorage" : c.group, usageType: "OnDemand", regions: [m.region], usageUnit: "GiBy.mo", nanos: c.multi, serviceId: cloudStorageServiceId });
    }
  }
  return out;
}

const unitDescriptions: Record<CatalogSku["usageUnit"], { usage: string; base: string; baseDescription: string; factor: number }> = {
  h: { usage: "hour", base: "s", baseDescription: "second", factor: 3600 },
  "GiBy.h": { usage: "gibibyte hour", base: "By.s", baseDescription: "byte second", factor: 3865470566400 },
  "GiBy.mo": { usage: "gibibyte month", base: "By.s", baseDescription: "byte second", factor: 2.8759101014016e15 },
  GiBy: { usage: "gibibyte", base: "By", baseDescription: "byte", factor: 1073741824 },
};

const MAX_PAGE = 5000;

export class BillingCatalogApi {
  readonly skus: readonly CatalogSku[] = buildSkus();
  /** How many `skus.list` pages were served, for tests of the paging. */
  skuPages = 0;

  route(method: string, pathname: string, url: URL): RoutedRequest | null {
    if (method !== "GET") return null;
    if (pathname === "/v1/services") {
      return { operation: "cloudbilling/services", api: "cloudbilling", answer: () => this.listServices(url) };
    }
    const match = /^\/v1\/services\/([^/]+)\/skus$/.exec(pathname);
    if (!match) return null;
    const serviceId = decodeURIComponent(match[1] as string);
    return { operation: `cloudbilling/services/${serviceId}/skus`, api: "cloudbilling", answer: () => this.listSkus(serviceId, url) };
  }

  private page<T>(items: readonly T[], url: URL): { status: 400; body: unknown } | { items: T[]; next: string | undefined } {
    const token = url.searchParams.get("pageToken");
    const start = token ? decodePageToken(token) : 0;
    if (start === null) return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "badRequest", "Invalid page token.") };
    const asked = Number(url.searchParams.get("pageSize") ?? MAX_PAGE);
    const size = asked > 0 ? Math.min(asked, MAX_PAGE) : MAX_PAGE;
    const slice = items.slice(start, start + size);
    return { items: slice, next: start + size < items.length ? encodePageToken(start + size) : undefined };
  }

  private listServices(url: URL) {
    const page = this.page(services, url);
    if ("status" in page) return page;
    const body: Record<string, unknown> = {
      services: page.items.map((s) => ({ name: `services/${s.serviceId}`, serviceId: s.serviceId, displayName: s.displayName, businessEntityName: "businessEntities/GCP" })),
    };
    if (page.next) body.nextPageToken = page.next;
    return { status: 200, body };
  }

  private listSkus(serviceId: string, url: URL) {
    if (!services.some((s) => s.serviceId === serviceId)) {
      return { status: 404, body: googleError(404, "NOT_FOUND", "notFound", `Service not found: services/${serviceId}`) };
    }
    const currency = url.searchParams.get("currencyCode") ?? "USD";
    const rate = perUsd[currency];
    if (rate === undefined) {
      return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "badRequest", `Unsupported currency code: ${currency}`) };
    }
    const numericEnums = (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int");
    const page = this.page(
      this.skus.filter((s) => s.serviceId === serviceId),
      url,
    );
    if ("status" in page) return page;
    this.skuPages++;
    const displayName = services.find((s) => s.serviceId === serviceId)?.displayName ?? "";
    const body: Record<string, unknown> = {
      skus: page.items.map((s) => {
        const nanos = BigInt(Math.round(s.nanos * rate));
        const units = nanos / 1_000_000_000n;
        const unit = unitDescriptions[s.usageUnit];
        const geoType = s.regions.length > 1 ? "MULTI_REGIONAL" : "REGIONAL";
        return {
          name: `services/${serviceId}/skus/${s.skuId}`,
          skuId: s.skuId,
          description: s.description,
          category: { serviceDisplayName: displayName, resourceFamily: s.resourceFamily, resourceGroup: s.resourceGroup, usageType: s.usageType },
          serviceRegions: [...s.regions],
          pricingInfo: [
            {
              summary: "",
              pricingExpression: {
                usageUnit: s.usageUnit,
                displayQuantity: 1,
                tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: currency, units: units.toString(), nanos: Number(nanos - units * 1_000_000_000n) } }],
                usageUnitDescription: unit.usage,
                baseUnit: unit.base,
                baseUnitDescription: unit.baseDescription,
                baseUnitConversionFactor: unit.factor,
              },
              currencyConversionRate: rate,
              effectiveTime: "2026-11-01T08:00:00.000Z",
            },
          ],
          serviceProviderName: "Google",
          geoTaxonomy: { type: numericEnums ? geoTypeNumbers[geoType] : geoType, regions: [...s.regions] },
        };
      }),
    };
    if (page.next) body.nextPageToken = page.next;
    return { status: 200, body };
  }
}

/** Memory per vCPU of each machine class (GiB), and the shared-core E2 sizes, as Compute Engine documents them. */
const memoryPerVcpu: Record<string, Record<string, number>> = {
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  default: { standard: 4, highmem: 8, highcpu: 1 },
};
const sharedCore: Record<string, { vcpus: number; memoryGb: number }> = {
  "e2-micro": { vcpus: 0.25, memoryGb: 1 },
  "e2-small": { vcpus: 0.5, memoryGb: 2 },
  "e2-medium": { vcpus: 1, memoryGb: 4 },
};

/**
 * What a machine type costs an hour in a region (`OnDemand`, `Preemptible` or `Commit1Yr`), as
 * the catalog's vCPU and memory SKUs add up: a decimal string in USD, or undefined for a type the
 * emulator does not price (custom, f1-micro…).
 */
export function expectedMachinePrice(machineType: string, region: string, usage: "OnDemand" | "Preemptible" | "Commit1Yr"): string | undefined {
  const geo = geographies.find((g) => g.regions.includes(region));
  const shared = sharedCore[machineType];
  const m = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  const prefix = shared ? "e2" : m?.[1];
  const s = series.find((x) => x.prefix === prefix);
  if (!geo || !s) return undefined;
  const vcpus = shared ? shared.vcpus : Number(m?.[3]);
  const memoryGb = shared ? shared.memoryGb : vcpus * ((memoryPerVcpu[s.prefix] ?? memoryPerVcpu.default)?.[m?.[2] as string] ?? Number.NaN);
  if (!Number.isFinite(memoryGb)) return undefined;
  const core = scaled(s.core, geo.ratio * termRatio[usage]);
  const ram = scaled(s.ram, geo.ratio * termRatio[usage]);
  // Quarter vCPUs and quarter GiB: everything is a whole number of 1/100 nano-dollars.
  const total = BigInt(Math.round(vcpus * 100)) * BigInt(core) + BigInt(Math.round(memoryGb * 100)) * BigInt(ram);
  const digits = total.toString().padStart(12, "0");
  const text = `${digits.slice(0, -11).replace(/^0+(?=\d)/, "")}.${digits.slice(-11)}`.replace(/0+$/, "").replace(/\.$/, "");
  return text;
}

/** A disk type's (or `snapshot`'s) GB-month price in a region, USD. */
/** A Cloud Storage class's GiB-month price in a region or multi-region (`us`), as the adapter should read it. */
export function expectedStoragePrice(storageClass: "STANDARD" | "NEARLINE", region: string): string | undefined {
  const c = storageClasses.find((x) => x.name.toUpperCase() === storageClass);
  if (!c) return undefined;
  if (multiRegions.some((m) => m.region === region)) return (c.multi / 1e9).toString();
  const geo = geographies.find((g) => g.regions.includes(region));
  return geo ? (scaled(c.regional, geo.ratio) / 1e9).toString() : undefined;
}

export function expectedDiskPrice(type: string, region: string): string | undefined {
  const geo = geographies.find((g) => g.regions.includes(region));
  const d = disks.find((x) => x.type === type);
  if (!geo || !d) return undefined;
  return (scaled(d.nanos, geo.ratio) / 1e9).toString();
}
