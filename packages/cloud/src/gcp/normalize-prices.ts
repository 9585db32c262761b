import type { PriceQuote, PriceTerm } from "../types.ts";

/**
 * Cloud Billing Catalog SKUs → cloudsync's price quotes. Pure; table-tested in
 * test/gcp-prices.test.ts. docs/recommendations.md ("Prices") describes the mapping.
 *
 * Compute Engine does not price a machine type: it prices a series' vCPU-hour and GiB-hour of
 * memory ("N2 Instance Core running in Americas", "… Ram …"), so a machine's hourly price is
 * vCPUs × core + GiB × ram, per region and term. Disks, the unused static IP, the
 * forwarding rule and Cloud Storage's Standard and Nearline classes are priced directly.
 */

/** The fields of a catalog Sku read here (protobuf-style: anything may be null or missing). */
export interface CatalogSku {
  skuId?: string | null;
  description?: string | null;
  category?: { resourceFamily?: string | null; usageType?: string | null } | null;
  serviceRegions?: string[] | null;
  pricingInfo?:
    | {
        pricingExpression?: {
          usageUnit?: string | null;
          tieredRates?: { startUsageAmount?: number | null; unitPrice?: { currencyCode?: string | null; units?: string | number | { toString(): string } | null; nanos?: number | null } | null }[] | null;
        } | null;
      }[]
    | null;
}

/** One rate a SKU gives: what it prices, in which regions, on which term, exactly. */
export interface CatalogRate {
  component: "core" | "ram" | "disk" | "public_ip" | "load_balancer" | "object_storage";
  /** Compute: the series prefix of machine type names (`n2`, `e2`, `c2`); disks: the type (`pd-ssd`, `snapshot`); Cloud Storage: the class (`STANDARD`, `NEARLINE`). */
  key: string;
  term: PriceTerm;
  regions: string[];
  /** Exact decimal per usage unit: vCPU-hour, GiB-hour, GiB-month, hour. */
  unitPrice: string;
  currency: string;
  skuId: string;
}

/**
 * Description → series prefix. On-demand and spot SKUs name the series ("N2 Instance Core
 * running in …", "Spot Preemptible N2D AMD Instance Ram running in …", C2's "Compute optimized
 * Core running in …"); commitment SKUs name it without "Instance" ("Commitment v1: N2 Cpu in …
 * for 1 Year"), N1's not at all ("Commitment v1: Cpu in …").
 */
const seriesNames: Readonly<Record<string, string>> = {
  "N1 Predefined Instance": "n1",
  "N2 Instance": "n2",
  "N2D AMD Instance": "n2d",
  "E2 Instance": "e2",
  "Compute optimized": "c2",
  "T2D AMD Instance": "t2d",
  "C2D AMD Instance": "c2d",
  "C3 Instance": "c3",
  "N4 Instance": "n4",
};
const commitSeriesNames: Readonly<Record<string, string>> = {
  "": "n1",
  "N2 ": "n2",
  "N2D AMD ": "n2d",
  "E2 ": "e2",
  "Compute optimized ": "c2",
  "T2D AMD ": "t2d",
  "C2D AMD ": "c2d",
  "C3 ": "c3",
  "N4 ": "n4",
};
/** Disk descriptions (before " in <place>") → disk type as `disks.type` names it. */
const diskNames: Readonly<Record<string, string>> = {
  "Storage PD Capacity": "pd-standard",
  "SSD backed PD Capacity": "pd-ssd",
  "Balanced PD Capacity": "pd-balanced",
  "Extreme PD Capacity": "pd-extreme",
  "Storage PD Snapshot": "snapshot",
};

const usageTerms: Readonly<Record<string, PriceTerm>> = { OnDemand: "on_demand", Preemptible: "spot", Commit1Yr: "reserved_1y" };

/** units + nanos (Google's `Money`) → exact decimal string. */
export function moneyToDecimal(units: string | number | { toString(): string } | null | undefined, nanos: number | null | undefined): string {
  const u = BigInt(String(units ?? "0"));
  const n = BigInt(Math.trunc(nanos ?? 0));
  // Money's units and nanos carry the same sign; their sum in nanos is exact.
  const total = u * 1_000_000_000n + n;
  return formatScaled(total, 9);
}

/** An integer of 10^-places units → decimal string without trailing zeros. */
function formatScaled(value: bigint, places: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, "0");
  const int = digits.slice(0, -places);
  const frac = digits.slice(-places).replace(/0+$/, "");
  return `${negative ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

function parseScaled(value: string, places: number): bigint {
  const [int = "0", frac = ""] = value.split(".");
  return BigInt(int) * 10n ** BigInt(places) + BigInt((frac + "0".repeat(places)).slice(0, places) || "0");
}

/**
 * The price a steady resource pays: of the tiers, the one with the highest start (a free first
 * tier, where there is one, is used up within the month).
 */
function steadyRate(sku: CatalogSku): { unitPrice: string; currency: string; usageUnit: string } | undefined {
  const expression = sku.pricingInfo?.[0]?.pricingExpression;
  const tiers = [...(expression?.tieredRates ?? [])].sort((a, b) => (a.startUsageAmount ?? 0) - (b.startUsageAmount ?? 0));
  const tier = tiers.at(-1);
  const currency = tier?.unitPrice?.currencyCode;
  if (!tier?.unitPrice || !currency || !expression?.usageUnit) return undefined;
  return { unitPrice: moneyToDecimal(tier.unitPrice.units, tier.unitPrice.nanos), currency, usageUnit: expression.usageUnit };
}

/** One catalog SKU → the rate it gives, or undefined for a SKU cloudsync does not price. */
export function normalizeCatalogSku(sku: CatalogSku): CatalogRate | undefined {
  const description = sku.description ?? "";
  const term = usageTerms[sku.category?.usageType ?? ""];
  const regions = (sku.serviceRegions ?? []).filter(Boolean);
  const rate = steadyRate(sku);
  if (!term || !rate || regions.length === 0 || !sku.skuId) return undefined;
  const base = { term, regions, unitPrice: rate.unitPrice, currency: rate.currency, skuId: sku.skuId };

  const machine = /^(?:Spot Preemptible )?(.+?) (Core|Ram) running in .+$/.exec(description);
  if (machine && (term === "on_demand" || term === "spot")) {
    const prefix = seriesNames[machine[1] as string];
    const unitOk = machine[2] === "Core" ? rate.usageUnit === "h" : rate.usageUnit === "GiBy.h";
    if (!prefix || !unitOk || (term === "spot") !== description.startsWith("Spot Preemptible ")) return undefined;
    return { ...base, component: machine[2] === "Core" ? "core" : "ram", key: prefix };
  }
  const commitment = /^Commitment v1: (.*?)(Cpu|Ram) in .+ for 1 Year$/.exec(description);
  if (commitment && term === "reserved_1y") {
    const prefix = commitSeriesNames[commitment[1] as string];
    const unitOk = commitment[2] === "Cpu" ? rate.usageUnit === "h" : rate.usageUnit === "GiBy.h";
    if (!prefix || !unitOk) return undefined;
    return { ...base, component: commitment[2] === "Cpu" ? "core" : "ram", key: prefix };
  }
  if (term !== "on_demand") return undefined;
  // Cloud Storage classes: "Standard Storage Iowa", "Nearline Storage US Multi-region". Dual-region
  // SKUs price a pair of regions, not a bucket location cloudsync reads as one region: left out.
  const storage = /^(Standard|Nearline) Storage (.+)$/.exec(description);
  if (storage && rate.usageUnit === "GiBy.mo" && !/Dual-region/i.test(description)) {
    return { ...base, component: "object_storage", key: (storage[1] as string).toUpperCase() };
  }
  const disk = diskNames[description.replace(/ in [A-Za-z ]+$/, "")];
  if (disk && rate.usageUnit === "GiBy.mo") return { ...base, component: "disk", key: disk };
  // An address reserved and used by nothing is what "Static Ip Charge" bills by the hour.
  if (/^Static Ip Charge( in .+)?$/.test(description) && rate.usageUnit === "h") return { ...base, component: "public_ip", key: "standard" };
  if (/^Network Load Balancing: Forwarding Rule Minimum Service Charge in .+$/.test(description) && rate.usageUnit === "h") {
    return { ...base, component: "load_balancer", key: "standard" };
  }
  return undefined;
}

/** vCPUs and memory of a predefined machine type, from its name (Compute Engine's documented shapes). */
export interface MachineShape {
  series: string;
  vcpus: number;
  memoryGb: number;
}

const memoryPerVcpu: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  // N1 is the older ratio; every later general-purpose and compute series uses 4 / 8 / 1 GiB.
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  "*": { standard: 4, highmem: 8, highcpu: 1 },
};
/** Shared-core E2 types are billed as fractions of an E2 vCPU. */
const sharedCoreShapes: Readonly<Record<string, MachineShape>> = {
  "e2-micro": { series: "e2", vcpus: 0.25, memoryGb: 1 },
  "e2-small": { series: "e2", vcpus: 0.5, memoryGb: 2 },
  "e2-medium": { series: "e2", vcpus: 1, memoryGb: 4 },
};

/**
 * `n2-standard-8` → N2, 8 vCPUs, 32 GiB. Custom types, f1-micro and g1-small (priced by SKUs of
 * their own) and unknown classes give undefined: they are not priced.
 */
export function machineShape(machineType: string): MachineShape | undefined {
  const shared = sharedCoreShapes[machineType];
  if (shared) return shared;
  const m = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!m) return undefined;
  const [, series, klass, count] = m as unknown as [string, string, string, string];
  const perVcpu = (memoryPerVcpu[series] ?? memoryPerVcpu["*"])?.[klass];
  if (perVcpu === undefined) return undefined;
  const vcpus = Number(count);
  return { series, vcpus, memoryGb: vcpus * perVcpu };
}

/**
 * The quotes the rates give for the asked machine types and disk types: per region and term,
 * each machine type's vCPUs × core rate + GiB × ram rate, computed exactly (prices have at most
 * 9 decimals, shapes at most 2), in the rates' currency.
 */
export function gcpQuotes(rates: readonly CatalogRate[], machineTypes: readonly string[], volumeTypes: readonly string[], network: boolean, storageClasses: readonly string[] = []): PriceQuote[] {
  const quotes: PriceQuote[] = [];
  const byKey = new Map<string, CatalogRate>();
  for (const r of rates) for (const region of r.regions) byKey.set(`${r.component}|${r.key}|${r.term}|${region}|${r.currency}`, r);
  const regionsOf = new Set(rates.flatMap((r) => r.regions.map((region) => `${region}|${r.currency}`)));
  for (const type of machineTypes) {
    const shape = machineShape(type);
    if (!shape) continue;
    for (const rc of regionsOf) {
      const [region, currency] = rc.split("|") as [string, string];
      for (const term of ["on_demand", "spot", "reserved_1y"] as const) {
        const core = byKey.get(`core|${shape.series}|${term}|${region}|${currency}`);
        const ram = byKey.get(`ram|${shape.series}|${term}|${region}|${currency}`);
        if (!core || !ram) continue;
        const total =
          BigInt(Math.round(shape.vcpus * 100)) * parseScaled(core.unitPrice, 9) + BigInt(Math.round(shape.memoryGb * 100)) * parseScaled(ram.unitPrice, 9);
        quotes.push({ cloud: "gcp", region, product: "compute", sku: type, term, unitPrice: formatScaled(total, 11), unit: "hour", currency, sourceId: `${core.skuId}+${ram.skuId}` });
      }
    }
  }
  const wantedDisks = new Set(volumeTypes);
  const wantedClasses = new Set(storageClasses);
  for (const r of rates) {
    const product =
      r.component === "disk" && wantedDisks.has(r.key)
        ? "volume"
        : r.component === "object_storage" && wantedClasses.has(r.key)
          ? "object_storage"
          : network && (r.component === "public_ip" || r.component === "load_balancer")
            ? r.component
            : null;
    if (!product) continue;
    for (const region of r.regions) {
      const unit = product === "volume" || product === "object_storage" ? "gb_month" : "hour";
      quotes.push({ cloud: "gcp", region, product, sku: r.key, term: "on_demand", unitPrice: r.unitPrice, unit, currency: r.currency, sourceId: r.skuId });
    }
  }
  return quotes;
}
