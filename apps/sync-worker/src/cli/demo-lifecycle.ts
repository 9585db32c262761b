import { createPriceBook, defaultRuleThresholds, evaluateRecommendations, recommendationFacts, regionGeography, type CloudName, type ResourceStatus } from "@cloudsync/cloud";
import { type Database, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { loadPrices } from "../write/prices.ts";
import { billingCurrency } from "../write/recommendations.ts";
import { renderTable } from "./output.ts";

/**
 * Issue 16, storage (docs/recommendations.md, "Buckets without lifecycle rules" and "Azure
 * managed disks priced by tier"): each bucket's lifecycle as read, its latest size sample and
 * what the lifecycle rule makes of it; each Azure disk's billed tier and its monthly price.
 * Read-only: the rule is evaluated here, not written (S3 sizes are daily, so the demo's one-hour
 * recommendation window rarely holds one; this view takes each bucket's latest sample).
 */
export async function showLifecycleAndDiskTiers(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const rows = await withOrganization(
    db,
    organizationId,
    (tx) =>
      queryRows<{ id: string; cloud: CloudName; kind: string; name: string; region: string; status: ResourceStatus; configuration: Record<string, unknown>; bytes: number | null }>(
        tx,
        sql`select cr.id, p.provider_name as cloud, cr.resource_subtype as kind, cr.resource_name as name, rg.region_code as region,
                   cr.resource_status as status, cr.configuration,
                   (select (im.metrics ->> 'storage_bytes')::float8 from infrastructure_monitoring im
                     where im.organization_id = cr.organization_id and im.resource_id = cr.id and im.metrics ? 'storage_bytes'
                     order by im.monitoring_timestamp desc limit 1) as bytes
              from cloud_resources cr
              join cloud_providers p on p.organization_id = cr.organization_id and p.id = cr.provider_id
              join cloud_regions rg on rg.organization_id = cr.organization_id and rg.id = cr.region_id
             where cr.organization_id = ${organizationId}::uuid and cr.resource_status <> 'terminated'
               and cr.resource_subtype in ('s3_bucket', 'gcs_bucket', 'azure_disk')
             order by cr.resource_subtype, cr.resource_name`,
      ),
    { role: null },
  );
  const currency = await withOrganization(db, organizationId, (tx) => billingCurrency(tx, organizationId), { role: null });
  const prices = createPriceBook(await loadPrices(db, ["aws", "azure", "gcp"]));
  const ctx = { prices, currency, geographyOf: regionGeography, isProduction: () => true, thresholds: defaultRuleThresholds };
  const judged = rows.map((r) => {
    const facts = recommendationFacts({ key: r.id, cloud: r.cloud, kind: r.kind, region: r.region, status: r.status, tags: {}, configuration: r.configuration });
    const usage = r.bytes === null ? undefined : { samples: 1, expectedSamples: 1, storageBytesLatest: r.bytes };
    const [finding] = evaluateRecommendations([{ facts, usage }], ctx).filter((f) => f.type === "storage_optimization" || f.type === "unused_resources");
    return { r, facts, finding };
  });

  const buckets = judged.filter((j) => j.facts.role === "bucket");
  const lifecycle = (has: boolean | undefined) => (has === undefined ? "not read" : has ? "moves or expires" : "none that moves");
  out(
    `Buckets and lifecycle rules (storage_optimization: ≥ ${defaultRuleThresholds.lifecycleMinGb} GiB, no rule that moves or expires, ${defaultRuleThresholds.lifecycleColdShare * 100} % assumed cold)\n${renderTable(
      ["bucket", "cloud", "region", "lifecycle", "latest size GiB", "advice", `monthly savings (${currency})`],
      buckets.slice(0, 15).map(({ r, facts, finding }) => [
        r.name,
        r.cloud,
        r.region,
        lifecycle(facts.hasLifecycleRules),
        r.bytes === null ? "no size sample" : (r.bytes / 1024 ** 3).toFixed(1),
        finding?.action ?? "—",
        finding ? finding.monthlySavings.toFixed(2) : "—",
      ]),
    )}\n${buckets.length} buckets, ${buckets.filter((b) => b.finding).length} advised, ${buckets
      .reduce((s, b) => s + (b.finding?.monthlySavings ?? 0), 0)
      .toFixed(2)} a month in all.\n`,
  );

  const disks = judged.filter((j) => j.r.kind === "azure_disk");
  if (disks.length === 0) return;
  out(
    `Azure managed disks, priced by the tier they are billed at (Retail Prices, monthly "Disk" meters)\n${renderTable(
      ["disk", "region", "sku", "GiB", "billed tier", "tier price a month", "unused advice"],
      disks.slice(0, 12).map(({ r, facts, finding }) => {
        const sku = (r.configuration.sku as { name?: string } | undefined)?.name ?? "?";
        const q = facts.size ? prices.find("azure", r.region, "volume", facts.size, "on_demand") : undefined;
        return [r.name, r.region, sku, facts.sizeGb ?? "?", facts.size === sku ? "not tiered" : (facts.size ?? "?"), q ? `${q.unitPrice} ${q.currency}` : "no price", finding ? `${finding.monthlySavings.toFixed(2)} ${finding.currency}` : "—"];
      }),
    )}\n`,
  );
}
