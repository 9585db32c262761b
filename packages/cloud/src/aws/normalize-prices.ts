import type { PriceQuote } from "../types.ts";

/**
 * One `PriceList` entry of Price List GetProducts (a JSON document in a string, format
 * `aws_v1`) → the quotes cloudsync uses:
 * - `terms.OnDemand` → `on_demand`, per hour (`Hrs`) or per GB-month (`GB-Mo`);
 * - `terms.Reserved` with `LeaseContractLength` 1yr, `PurchaseOption` No Upfront, `OfferingClass`
 *   standard → `reserved_1y` (its hourly dimension);
 * What the product is comes from `product.attributes`: `instanceType` (compute), `volumeApiName`
 * (volumes), `group` VPCPublicIPv4Address with an `IdleAddress` usage type (public IPs, the
 * rate AWS bills an address that is attached to nothing), `productFamily` Load Balancer-* with a
 * `LoadBalancerUsage` usage type (the hourly part of an LB), AmazonS3 `Storage` with a
 * `TimedStorage-ByteHrs` usage type (S3 Standard, sku `STANDARD`) or `TimedStorage-SIA-ByteHrs`
 * (Standard-IA, sku `STANDARD_IA`) per GB-month. Other entries give no quote.
 */
export function normalizePriceListItem(document: string): PriceQuote[] {
  const item = JSON.parse(document) as PriceListItem;
  const attrs = item.product?.attributes ?? {};
  const region = attrs.regionCode;
  const what = productOf(item.product?.productFamily, attrs);
  if (!region || !what) return [];
  const out: PriceQuote[] = [];
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    const q = quoteOf(term, what, region, "on_demand");
    if (q) out.push(q);
  }
  for (const term of Object.values(item.terms?.Reserved ?? {})) {
    const a = term.termAttributes ?? {};
    if (a.LeaseContractLength !== "1yr" || a.PurchaseOption !== "No Upfront" || a.OfferingClass !== "standard") continue;
    const q = quoteOf(term, what, region, "reserved_1y");
    if (q) out.push(q);
  }
  return out;
}

interface PriceListItem {
  product?: { productFamily?: string; sku?: string; attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, Term>; Reserved?: Record<string, Term> };
}

interface Term {
  sku?: string;
  offerTermCode?: string;
  termAttributes?: Record<string, string>;
  priceDimensions?: Record<string, { unit?: string; pricePerUnit?: Record<string, string>; rateCode?: string; beginRange?: string }>;
}

function productOf(family: string | undefined, a: Record<string, string>): Pick<PriceQuote, "product" | "sku"> | undefined {
  if (family === "Compute Instance" && a.instanceType) return { product: "compute", sku: a.instanceType };
  if (family === "Storage" && a.volumeApiName) return { product: "volume", sku: a.volumeApiName };
  // The standard-tier snapshot storage; archive-tier and other snapshot usage types are left out.
  if (family === "Storage Snapshot" && a.usagetype?.endsWith("EBS:SnapshotUsage")) return { product: "volume", sku: "snapshot" };
  if (a.group === "VPCPublicIPv4Address" && a.usagetype?.endsWith("PublicIPv4:IdleAddress")) return { product: "public_ip", sku: "standard" };
  if (family?.startsWith("Load Balancer-") && a.usagetype?.endsWith("LoadBalancerUsage")) return { product: "load_balancer", sku: "standard" };
  // S3 storage: the usage type names the class exactly (volumeType "Standard" is shared with other products).
  if (a.servicecode === "AmazonS3" && family === "Storage") {
    const usage = a.usagetype?.replace(/^[A-Z0-9]+-/, "");
    if (usage === "TimedStorage-ByteHrs") return { product: "object_storage", sku: "STANDARD" };
    if (usage === "TimedStorage-SIA-ByteHrs") return { product: "object_storage", sku: "STANDARD_IA" };
  }
  return undefined;
}

function quoteOf(term: Term, what: Pick<PriceQuote, "product" | "sku">, region: string, kind: PriceQuote["term"]): PriceQuote | undefined {
  for (const d of Object.values(term.priceDimensions ?? {})) {
    const unit = d.unit === "Hrs" ? "hour" : d.unit === "GB-Mo" ? "gb_month" : undefined;
    const usd = d.pricePerUnit?.USD;
    // Tiered dimensions (free first GB…) start above 0; the rate that applies from zero is the one.
    if (!unit || usd === undefined || (d.beginRange !== undefined && d.beginRange !== "0")) continue;
    return { cloud: "aws", region, ...what, term: kind, unitPrice: usd, unit, currency: "USD", sourceId: d.rateCode ?? term.sku ?? "" };
  }
  return undefined;
}
