/**
 * The Cloud Billing export the emulator serves through BigQuery: daily cost rows derived lazily and
 * deterministically from (seed, project, resource, day), consistent with the generated estate.
 *
 * Per project and day (Pacific-time usage day, as the adapter's query groups them):
 * - every VM: a core line and a RAM line (Compute Engine; a quarter of core lines carry a
 *   sustained-use credit, so their amount is cost + negative credits); stopped VMs bill 0;
 * - every disk: a capacity line (Compute Engine, a PD/Hyperdisk SKU → storage);
 * - every forwarding rule, regional or global: a Networking line;
 * - five project lines: Cloud Storage, Networking egress, Cloud SQL, Cloud Monitoring, Cloud Logging;
 * - some days a committed-use credit line (negative), on the 15th an adjustment (negative), and on
 *   the 1st of a month a Support line and a tax line (`cost_type = "tax"`).
 * Amounts are integer nano-units: most have 6 decimals, about one in five has 9.
 */
import { createRng, hashString } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { EmulatorKind, GeneratedItem } from "./items.ts";
import { formatNanos } from "./money.ts";

export const billingColumns = [
  "usage_date",
  "project_id",
  "service_id",
  "service_description",
  "sku_id",
  "sku_description",
  "cost_type",
  "resource_name",
  "resource_global_name",
  "location_region",
  "currency",
  "pricing_unit",
  "usage_amount",
  "gross_cost",
  "credits",
  "amount",
  "labels_json",
] as const;
export type BillingColumn = (typeof billingColumns)[number];
export type BillingRowValues = Record<BillingColumn, string | null>;

/** What the adapter is expected to make of one row. */
export interface GcpExpectedCost {
  account: string;
  day: string;
  service: string;
  sku: string;
  costType: string;
  /** The resource adapter's id (VMs and disks), else null. */
  resourceId: string | null;
  /** `resource.name` of the row (VM, disk, bucket, rule name…), else null. */
  resourceName: string | null;
  /** Exact decimal string. */
  amount: string;
  amountNanos: bigint;
  currency: string;
  category: "compute" | "storage" | "network" | "database" | "monitoring" | "support" | "tax";
  /** Identifies the row for the malformed-row knob: `<resource id or line key>@<day>`. */
  rowKey: string;
}

interface Line {
  values: BillingRowValues;
  expected: GcpExpectedCost;
}

const SERVICES = {
  compute: { id: "6F81-5844-456A", description: "Compute Engine" },
  storage: { id: "95FF-2EF5-5EA1", description: "Cloud Storage" },
  networking: { id: "E505-1604-58F8", description: "Networking" },
  sql: { id: "9662-B51E-5089", description: "Cloud SQL" },
  monitoring: { id: "58CD-E7C3-72CA", description: "Cloud Monitoring" },
  logging: { id: "5490-F7B7-8DF6", description: "Cloud Logging" },
  support: { id: "2062-016F-44A2", description: "Support" },
  tax: { id: "TAX0-0000-0000", description: "Tax" },
} as const;

const PER_INSTANCE = 2;
const PROJECT_LINES = 5;
const CURRENCY = "USD";
const segmentKinds: readonly { kind: EmulatorKind; lines: number }[] = [
  { kind: "instance", lines: PER_INSTANCE },
  { kind: "disk", lines: 1 },
  { kind: "forwardingRule", lines: 1 },
  { kind: "globalForwardingRule", lines: 1 },
];

/** `YYYY-MM-DD` days from start to end inclusive (UTC calendar arithmetic). */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  const last = Date.parse(`${end}T00:00:00Z`);
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= last; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export class GcpBilling {
  constructor(
    private readonly estate: GcpEstate,
    private readonly seed: string,
  ) {}

  /** Rows of one day, before removals are skipped (positions of removed items yield null). */
  lineCount(project: string, day: string): number {
    let n = PROJECT_LINES + this.extras(project, day).length;
    for (const segment of segmentKinds) n += segment.lines * this.estate.positions(project, segment.kind);
    return n;
  }

  /** Rows the day really has (removed resources bill nothing). */
  liveLineCount(project: string, day: string): number {
    let n = this.lineCount(project, day);
    for (const segment of segmentKinds) n -= segment.lines * this.estate.removedCount(project, segment.kind);
    return n;
  }

  /** The row at a line position of a day, or null for a removed resource. */
  line(project: string, day: string, index: number): Line | null {
    let i = index;
    for (const segment of segmentKinds) {
      const size = segment.lines * this.estate.positions(project, segment.kind);
      if (i < size) {
        const item = this.item(project, segment.kind, Math.floor(i / segment.lines));
        return item ? this.resourceLine(project, day, segment.kind, item, i % segment.lines) : null;
      }
      i -= size;
    }
    if (i < PROJECT_LINES) return this.projectLine(project, day, i);
    i -= PROJECT_LINES;
    const extra = this.extras(project, day)[i];
    return extra ? this.extraLine(project, day, extra) : null;
  }

  /** The last item looked up, since a VM's two lines (and consecutive days) ask for it again. */
  private recent: { key: string; item: GeneratedItem | null } | null = null;

  private item(project: string, kind: EmulatorKind, position: number): GeneratedItem | null {
    const key = `${project}|${kind}|${position}`;
    if (this.recent?.key !== key) this.recent = { key, item: this.estate.itemAt(project, kind, position) };
    return this.recent.item;
  }

  /** Every row of a project over a window, lazily, in serving order. */
  *rows(project: string, start: string, end: string): Generator<Line> {
    if (!this.estate.hasProject(project)) return;
    for (const day of daysBetween(start, end)) {
      const count = this.lineCount(project, day);
      for (let i = 0; i < count; i++) {
        const line = this.line(project, day, i);
        if (line) yield line;
      }
    }
  }

  private resourceLine(project: string, day: string, kind: EmulatorKind, item: GeneratedItem, variant: number): Line {
    const raw = item.raw;
    const id = raw.id as string;
    const name = raw.name as string;
    const rng = createRng(`${this.seed}|cost|${project}|${id}|${variant}|${day}`);
    const labels = (raw.labels as Record<string, string> | undefined) ?? {};
    const location = lastSegment(raw.zone as string | undefined) || lastSegment(raw.region as string | undefined);
    const base = { project, day, region: item.region === "global" ? "global" : item.region, labels };
    if (kind === "instance") {
      const machineType = lastSegment(raw.machineType as string);
      const family = machineFamily(machineType);
      const running = raw.status === "RUNNING";
      const vcpus = vcpuCount(machineType);
      const geo = geography(item.region);
      const globalName = `//compute.googleapis.com/projects/${project}/zones/${location}/instances/${id}`;
      if (variant === 0) {
        const gross = running ? micros(rng, 20_000, 6_000_000) + nanoTail(rng) : 0n;
        const credits = running && rng.next() < 0.25 ? -((gross * BigInt(rng.int(5, 30))) / 100n) : 0n;
        return this.make({
          ...base,
          service: SERVICES.compute,
          skuId: `C0RE-${family}`,
          sku: `${family} Instance Core running in ${geo}`,
          costType: "regular",
          resourceName: name,
          globalName,
          resourceId: id,
          unit: "hour",
          usage: running ? String(vcpus * 24) : "0",
          gross,
          credits,
          category: "compute",
          rowKey: `${id}@${day}`,
        });
      }
      const gross = running ? micros(rng, 10_000, 3_000_000) + nanoTail(rng) : 0n;
      return this.make({
        ...base,
        service: SERVICES.compute,
        skuId: `RAM0-${family}`,
        sku: `${family} Instance Ram running in ${geo}`,
        costType: "regular",
        resourceName: name,
        globalName,
        resourceId: id,
        unit: "gibibyte hour",
        usage: running ? String(vcpus * 4 * 24) : "0",
        gross,
        credits: 0n,
        category: "compute",
        rowKey: `${id}#ram@${day}`,
      });
    }
    if (kind === "disk") {
      const diskType = lastSegment(raw.type as string);
      const sizeGb = BigInt(String(raw.sizeGb ?? "10"));
      const gross = micros(rng, 1_000, 2_000_000) + nanoTail(rng);
      return this.make({
        ...base,
        service: SERVICES.compute,
        skuId: `DISK-${diskType}`,
        sku: diskSku(diskType),
        costType: "regular",
        resourceName: name,
        globalName: `//compute.googleapis.com/projects/${project}/zones/${location}/disks/${id}`,
        resourceId: id,
        unit: "gibibyte month",
        // GiB-months for one day of a 730-hour month: sizeGb × 24 / 730, to 9 decimals.
        usage: formatNanos((sizeGb * 24n * 1_000_000_000n) / 730n),
        gross,
        credits: 0n,
        category: "storage",
        rowKey: `${id}@${day}`,
      });
    }
    const global = kind === "globalForwardingRule";
    const gross = micros(rng, 200_000, 900_000);
    return this.make({
      ...base,
      service: SERVICES.networking,
      skuId: global ? "FWD0-GLOB" : "FWD0-REGN",
      sku: global
        ? "Global External Application Load Balancer Forwarding Rule Minimum"
        : `Network Load Balancing: Forwarding Rule Minimum Service Charge in ${geography(item.region)}`,
      costType: "regular",
      resourceName: name,
      // Forwarding rules are named by name, not id: the adapter cannot link them (resourceId null).
      globalName: global
        ? `//compute.googleapis.com/projects/${project}/global/forwardingRules/${name}`
        : `//compute.googleapis.com/projects/${project}/regions/${item.region}/forwardingRules/${name}`,
      resourceId: null,
      unit: "hour",
      usage: "24",
      gross,
      credits: 0n,
      category: "network",
      rowKey: `${id}@${day}`,
    });
  }

  private projectLine(project: string, day: string, index: number): Line {
    const rng = createRng(`${this.seed}|cost|${project}|project-line-${index}|${day}`);
    const base = { project, day, labels: {} as Record<string, string>, credits: 0n, costType: "regular" };
    const lines = [
      () => ({
        ...base,
        region: "us",
        service: SERVICES.storage,
        skuId: "E5F0-6A5D-7BAD",
        sku: "Standard Storage US Multi-region",
        resourceName: `${project}-assets`,
        globalName: `//storage.googleapis.com/projects/_/buckets/${project}-assets`,
        unit: "gibibyte month",
        usage: formatNanos(BigInt(rng.int(1, 900_000)) * 1000n),
        gross: micros(rng, 100_000, 40_000_000) + nanoTail(rng),
        category: "storage" as const,
      }),
      () => ({
        ...base,
        region: "global",
        service: SERVICES.networking,
        skuId: "9DE9-9092-B3BC",
        sku: "Network Internet Data Transfer Out from Americas to Americas",
        resourceName: null,
        globalName: null,
        unit: "gibibyte",
        usage: String(rng.int(1, 5_000)),
        gross: micros(rng, 10_000, 25_000_000),
        category: "network" as const,
      }),
      () => ({
        ...base,
        region: "us-central1",
        service: SERVICES.sql,
        skuId: "7F1C-4B92-A1D3",
        sku: "Cloud SQL for PostgreSQL: Zonal - vCPU in Americas",
        resourceName: "pg-main",
        globalName: `//cloudsql.googleapis.com/projects/${project}/instances/pg-main`,
        unit: "hour",
        usage: "96",
        gross: micros(rng, 2_000_000, 9_000_000) + nanoTail(rng),
        category: "database" as const,
      }),
      () => ({
        ...base,
        region: "global",
        service: SERVICES.monitoring,
        skuId: "9CC5-6B16-2E5A",
        sku: "Metric Volume",
        resourceName: null,
        globalName: null,
        unit: "mebibyte",
        usage: String(rng.int(10, 40_000)),
        gross: micros(rng, 0, 3_000_000),
        category: "monitoring" as const,
      }),
      () => ({
        ...base,
        region: "global",
        service: SERVICES.logging,
        skuId: "143F-A1B0-E0BE",
        sku: "Log Storage cost",
        resourceName: null,
        globalName: null,
        unit: "gibibyte",
        usage: String(rng.int(1, 900)),
        gross: micros(rng, 0, 2_000_000) + nanoTail(rng),
        category: "monitoring" as const,
      }),
    ];
    const spec = (lines[index] as (typeof lines)[number])();
    return this.make({ ...spec, resourceId: null, rowKey: `${project}#line${index}@${day}` });
  }

  /** Lines that only some days have. */
  private extras(project: string, day: string): readonly ("cud" | "adjustment" | "support" | "tax")[] {
    const out: ("cud" | "adjustment" | "support" | "tax")[] = [];
    if (hashString(`${this.seed}|cud|${project}|${day}`) % 10 < 3) out.push("cud");
    if (day.endsWith("-15")) out.push("adjustment");
    if (day.endsWith("-01")) out.push("support", "tax");
    return out;
  }

  private extraLine(project: string, day: string, extra: "cud" | "adjustment" | "support" | "tax"): Line {
    const rng = createRng(`${this.seed}|cost|${project}|${extra}|${day}`);
    const base = { project, day, region: "global", labels: {} as Record<string, string>, resourceName: null, globalName: null, resourceId: null };
    const rowKey = `${project}#${extra}@${day}`;
    switch (extra) {
      case "cud":
        // A committed-use discount: no cost of its own, a credit against the cores.
        return this.make({
          ...base,
          service: SERVICES.compute,
          skuId: "CUD0-N2-CORE",
          sku: "Commitment v1: N2 Core in Americas for 1 Year",
          costType: "regular",
          unit: "hour",
          usage: String(rng.int(24, 480)),
          gross: 0n,
          credits: -(micros(rng, 500_000, 20_000_000) + nanoTail(rng)),
          category: "compute",
          rowKey,
        });
      case "adjustment":
        return this.make({
          ...base,
          service: SERVICES.compute,
          skuId: "ADJ0-0000-0001",
          sku: "Billing adjustment for an instance outage",
          costType: "adjustment",
          unit: null,
          usage: null,
          gross: -micros(rng, 100_000, 5_000_000),
          credits: 0n,
          category: "compute",
          rowKey,
        });
      case "support":
        return this.make({
          ...base,
          service: SERVICES.support,
          skuId: "SUP0-ENHANCED",
          sku: "Enhanced Support",
          costType: "regular",
          unit: "month",
          usage: "1",
          gross: BigInt(rng.int(500, 1_500)) * 1_000_000_000n,
          credits: 0n,
          category: "support",
          rowKey,
        });
      case "tax":
        return this.make({
          ...base,
          service: SERVICES.tax,
          skuId: "TAX0-SALES",
          sku: "Sales tax",
          costType: "tax",
          unit: null,
          usage: null,
          gross: micros(rng, 10_000_000, 90_000_000) + BigInt(rng.int(0, 10)) * 1_000n,
          credits: 0n,
          category: "tax",
          rowKey,
        });
    }
  }

  private make(spec: {
    project: string;
    day: string;
    region: string;
    labels: Record<string, string>;
    service: { id: string; description: string };
    skuId: string;
    sku: string;
    costType: string;
    resourceName: string | null;
    globalName: string | null;
    resourceId: string | null;
    unit: string | null;
    usage: string | null;
    gross: bigint;
    credits: bigint;
    category: GcpExpectedCost["category"];
    rowKey: string;
  }): Line {
    const amountNanos = spec.gross + spec.credits;
    const amount = formatNanos(amountNanos);
    const labels = Object.keys(spec.labels)
      .sort()
      .map((key) => ({ key, value: spec.labels[key] }));
    return {
      values: {
        usage_date: spec.day,
        project_id: spec.project,
        service_id: spec.service.id,
        service_description: spec.service.description,
        sku_id: spec.skuId,
        sku_description: spec.sku,
        cost_type: spec.costType,
        resource_name: spec.resourceName,
        resource_global_name: spec.globalName,
        location_region: spec.region,
        currency: CURRENCY,
        pricing_unit: spec.unit,
        usage_amount: spec.usage,
        gross_cost: formatNanos(spec.gross),
        credits: formatNanos(spec.credits),
        amount,
        labels_json: JSON.stringify(labels),
      },
      expected: {
        account: spec.project,
        day: spec.day,
        service: spec.service.description,
        sku: spec.sku,
        costType: spec.costType,
        resourceId: spec.resourceId,
        resourceName: spec.resourceName,
        amount,
        amountNanos,
        currency: CURRENCY,
        category: spec.category,
        rowKey: spec.rowKey,
      },
    };
  }
}

/** Micro-unit amounts between min and max micros, as nanos. */
function micros(rng: { int(min: number, max: number): number }, min: number, max: number): bigint {
  return BigInt(rng.int(min, max)) * 1000n;
}

/** About one amount in five gets nano digits (9 decimals). */
function nanoTail(rng: { next(): number; int(min: number, max: number): number }): bigint {
  return rng.next() < 0.2 ? BigInt(rng.int(1, 1000)) : 0n;
}

function lastSegment(url: string | undefined): string {
  if (!url) return "";
  return url.split("/").pop() ?? "";
}

function machineFamily(machineType: string): string {
  if (machineType.startsWith("custom-")) return "Custom";
  const family = machineType.split("-")[0] ?? "N1";
  return family.toUpperCase();
}

function vcpuCount(machineType: string): number {
  const match = /-(\d+)(?:-\d+)?$/.exec(machineType);
  if (machineType.startsWith("custom-")) return Number(machineType.split("-")[1] ?? 1);
  return match ? Number(match[1]) : 1;
}

function geography(region: string): string {
  if (region.startsWith("us-") || region.startsWith("southamerica") || region.startsWith("northamerica")) return "Americas";
  if (region.startsWith("europe")) return "EMEA";
  return "APAC";
}

function diskSku(diskType: string): string {
  switch (diskType) {
    case "pd-ssd":
      return "SSD backed PD Capacity";
    case "pd-balanced":
      return "Balanced PD Capacity";
    case "hyperdisk-balanced":
      return "Hyperdisk Balanced Capacity";
    default:
      return "Storage PD Capacity";
  }
}
