/**
 * Pure translations from a Cloud Billing export row to a cost line. No I/O, table-tested.
 */
import { normalizeDecimal } from "../common/decimal.ts";
import { MalformedItemError } from "../errors.ts";
import type { CostCategory, NormalizedCostLine } from "../types.ts";
import type { BillingRow } from "./billing-query.ts";

/** `service.description` → category, for services whose category does not depend on the SKU. */
const serviceCategories: Record<string, CostCategory> = {
  "cloud storage": "storage",
  filestore: "storage",
  "cloud filestore": "storage",
  "backup and dr service": "storage",
  "artifact registry": "storage",
  "cloud sql": "database",
  "cloud spanner": "database",
  spanner: "database",
  "cloud bigtable": "database",
  bigtable: "database",
  "cloud firestore": "database",
  firestore: "database",
  "cloud datastore": "database",
  "cloud memorystore for redis": "database",
  "memorystore for redis": "database",
  "alloydb for postgresql": "database",
  networking: "network",
  "cloud load balancing": "network",
  "cloud cdn": "network",
  "cloud dns": "network",
  "cloud nat": "network",
  "cloud vpn": "network",
  "cloud interconnect": "network",
  "cloud armor": "network",
  "network intelligence center": "network",
  "network service tiers": "network",
  "cloud monitoring": "monitoring",
  "cloud logging": "monitoring",
  "stackdriver monitoring": "monitoring",
  "stackdriver logging": "monitoring",
  "cloud trace": "monitoring",
  "error reporting": "monitoring",
  support: "support",
  "cloud support": "support",
  "google cloud support": "support",
  tax: "tax",
};

/** SKUs of Compute Engine (and of unknown services) that bill disks, images and snapshots. */
const STORAGE_SKU = /\b(storage|pd|persistent disk|snapshot|hyperdisk|local ssd|ssd backed|image)\b/i;
/** SKUs that bill traffic, addresses and load balancing. */
const NETWORK_SKU = /\b(egress|ingress|data transfer|network|load balanc\w*|forwarding rule|ip address|ip charge|interconnect|vpn|nat)\b/i;

/**
 * Category of one line:
 * - `cost_type = "tax"` or the service `Tax` → tax; a `Support` service → support;
 * - a service of the table above → its category (Cloud Storage → storage, Cloud SQL → database,
 *   Networking / Cloud Load Balancing → network, Cloud Monitoring / Cloud Logging → monitoring);
 * - Compute Engine and every service not in the table: the SKU decides — disk, image and
 *   snapshot SKUs → storage, traffic / address / load-balancing SKUs → network, anything else →
 *   compute (the documented default for unknown services).
 */
export function gcpCostCategory(
  serviceDescription: string | null | undefined,
  skuDescription?: string | null,
  costType?: string | null,
): CostCategory {
  if (costType?.toLowerCase() === "tax") return "tax";
  const service = (serviceDescription ?? "").trim().toLowerCase();
  const known = serviceCategories[service];
  if (known) return known;
  if (/\bsupport\b/.test(service)) return "support";
  const sku = skuDescription ?? "";
  if (STORAGE_SKU.test(sku)) return "storage";
  if (NETWORK_SKU.test(sku)) return "network";
  return "compute";
}

const COMPUTE_RESOURCE = /^\/\/compute\.googleapis\.com\/projects\/[^/]+\/(?:zones|regions)\/[^/]+\/(?:instances|disks)\/(\d+)$/;

/**
 * `resource.global_name` → the resource adapter's id. A Compute Engine instance or disk is named
 * `//compute.googleapis.com/projects/P/zones/Z/instances/1234567890123456789` (regional disks:
 * `/regions/R/disks/ID`): its numeric id is what `gce_instance` / `gce_disk` resources carry.
 * Anything else (buckets, Cloud SQL instances, forwarding rules, names instead of ids) → null.
 */
export function resourceIdFromGlobalName(globalName: string | null | undefined): string | null {
  if (!globalName) return null;
  return COMPUTE_RESOURCE.exec(globalName)?.[1] ?? null;
}

/** `[{"key":"env","value":"prod"}]` (TO_JSON_STRING of the export's labels) → `{env: "prod"}`. */
export function labelsFromJson(json: string | null | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!json) return tags;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return tags;
  }
  if (!Array.isArray(parsed)) return tags;
  for (const entry of parsed) {
    const { key, value } = (entry ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key === "string" && key !== "") tags[key] = typeof value === "string" ? value : value == null ? "" : String(value);
  }
  return tags;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** An id to report a malformed row by: the resource's id or global name, else null. */
export function costRowItemId(row: BillingRow): string | null {
  return resourceIdFromGlobalName(row.resource_global_name) ?? row.resource_global_name ?? row.resource_name ?? null;
}

/** One export row → one cost line; throws MalformedItemError for a row that cannot be one. */
export function normalizeCostRow(row: BillingRow, project: string): NormalizedCostLine {
  const fail = (reason: string) => new MalformedItemError("gcp", project, costRowItemId(row), reason);
  const day = row.usage_date;
  if (!day || !DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw fail(`the row has no valid usage day (${JSON.stringify(day ?? null)})`);
  }
  let amount: string;
  try {
    amount = normalizeDecimal(row.amount ?? "");
  } catch {
    throw fail(`the row's amount is not a decimal number (${JSON.stringify(row.amount ?? null)})`);
  }
  const currency = row.currency ?? "";
  if (!CURRENCY.test(currency)) throw fail(`the row has no ISO 4217 currency (${JSON.stringify(row.currency ?? null)})`);
  const service = row.service_description;
  if (!service) throw fail("the row has no service description");

  const billingDetails: Record<string, unknown> = {};
  const detail = (key: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== "") billingDetails[key] = value;
  };
  detail("serviceId", row.service_id);
  detail("skuId", row.sku_id);
  detail("skuDescription", row.sku_description);
  detail("costType", row.cost_type);
  detail("resourceName", row.resource_name);
  detail("resourceGlobalName", row.resource_global_name);
  detail("region", row.location_region);
  detail("grossCost", decimalOrNull(row.gross_cost));
  detail("credits", decimalOrNull(row.credits));

  const usage: Record<string, unknown> = {};
  const quantity = decimalOrNull(row.usage_amount);
  if (quantity !== null) usage.quantity = quantity;
  if (row.pricing_unit) usage.unit = row.pricing_unit;

  return {
    cloud: "gcp",
    account: project,
    periodStart: day,
    periodEnd: day,
    amount,
    currency,
    category: gcpCostCategory(service, row.sku_description, row.cost_type),
    service,
    resourceId: resourceIdFromGlobalName(row.resource_global_name),
    billingDetails,
    usage,
    tags: labelsFromJson(row.labels_json),
  };
}

function decimalOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  try {
    return normalizeDecimal(value);
  } catch {
    return null;
  }
}
