import { bucketCoolClasses, type CloudAdapter, type CloudName, type PriceQuery, type PriceSource, recommendationFacts, sizesToPrice } from "@cloudsync/cloud";
import { type Database, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import { storePrices } from "../write/prices.ts";
import { billingCurrency } from "../write/recommendations.ts";

export interface PriceSyncResult {
  cloud: CloudName;
  quotes: number;
  stored: number;
  error?: string;
}

/**
 * What to ask each cloud's pricing API for one organization: the compute sizes and volume
 * types its live resources use, each size with its smaller siblings (rightsizing compares
 * them), the network prices when it has public IPs or load balancers, the hot and cool storage
 * classes when it has buckets (lifecycle advice compares them), and the snapshot storage price
 * when backups hold snapshots it lists.
 */
export async function priceQueriesFor(db: Database, org: string): Promise<Map<CloudName, PriceQuery>> {
  const { rows, currency, snapshotClouds } = await withOrganization(
    db,
    org,
    async (tx) => ({
      currency: await billingCurrency(tx, org),
      // Clouds with listed snapshots still in place: the snapshot-retention rule prices them.
      snapshotClouds: await queryRows<{ cloud: CloudName }>(
        tx,
        sql`select distinct p.provider_name as cloud
              from backup_executions e
              join backup_configurations b on b.id = e.backup_config_id
              join cloud_resources cr on cr.id = b.resource_id
              join cloud_providers p on p.organization_id = cr.organization_id and p.id = cr.provider_id
             where e.organization_id = ${org}::uuid and e.performance_metrics ? 'snapshot' and not (e.performance_metrics ? 'deleted_at')
               -- RDS snapshots are not judged by the rule (write/recommendations.ts, readSnapshotEvidence).
               and e.performance_metrics ->> 'snapshot' <> 'rds'
               and p.provider_name in ('aws', 'azure', 'gcp')`,
      ),
      rows: await queryRows<{ id: string; cloud: CloudName; kind: string | null; region: string; status: string; tags: Record<string, string> | null; configuration: Record<string, unknown> }>(
        tx,
        sql`select cr.id, p.provider_name as cloud, cr.resource_subtype as kind, rg.region_code as region, cr.resource_status as status,
                   cr.tags, cr.configuration
              from cloud_resources cr
              join cloud_providers p on p.organization_id = cr.organization_id and p.id = cr.provider_id
              join cloud_regions rg on rg.organization_id = cr.organization_id and rg.id = cr.region_id
             where cr.organization_id = ${org}::uuid and cr.resource_status <> 'terminated' and p.provider_name in ('aws', 'azure', 'gcp')`,
      ),
    }),
    { role: null },
  );
  const wanted = new Map<CloudName, { sizes: Set<string>; volumes: Set<string>; network: boolean; buckets: boolean }>();
  for (const r of rows) {
    const facts = recommendationFacts({ key: r.id, cloud: r.cloud, kind: r.kind ?? "", region: r.region, status: r.status as never, tags: r.tags ?? {}, configuration: r.configuration });
    const w = wanted.get(r.cloud) ?? { sizes: new Set<string>(), volumes: new Set<string>(), network: false, buckets: false };
    if (facts.role === "compute" && facts.size) for (const s of sizesToPrice(r.cloud, facts.size)) w.sizes.add(s);
    if (facts.role === "volume" && facts.size) w.volumes.add(facts.size);
    // Snapshots are priced per GB-month like a volume type (storage optimization's retention rule).
    if (facts.role === "snapshot") w.volumes.add("snapshot");
    if (facts.role === "public_ip" || facts.role === "load_balancer") w.network = true;
    if (facts.role === "bucket") w.buckets = true;
    wanted.set(r.cloud, w);
  }
  for (const { cloud } of snapshotClouds) {
    const w = wanted.get(cloud) ?? { sizes: new Set<string>(), volumes: new Set<string>(), network: false, buckets: false };
    w.volumes.add("snapshot");
    wanted.set(cloud, w);
  }
  const queries = new Map<CloudName, PriceQuery>();
  for (const [cloud, w] of wanted) {
    // Successor types (gp2 → gp3) must be priced too, or storage optimization cannot compare.
    const volumes = new Set(w.volumes);
    if (volumes.has("gp2")) volumes.add("gp3");
    if (volumes.has("pd-ssd")) volumes.add("pd-balanced");
    // In the billing currency where the API offers it (Azure); AWS's price list is USD only.
    const classes = bucketCoolClasses[cloud];
    queries.set(cloud, {
      computeSizes: [...w.sizes].sort(),
      volumeTypes: [...volumes].sort(),
      network: w.network,
      ...(w.buckets && classes ? { storageClasses: [classes.hot, classes.cool] } : {}),
      currency,
    });
  }
  return queries;
}

/**
 * Reads each cloud's prices through its adapter and caches them in `cloud_prices`. A cloud
 * whose adapter reads no prices, or whose pricing API fails, is reported and skipped: its
 * recommendations then keep the prices cached before.
 */
export async function syncPrices(
  deps: { db: Database; logger: Logger },
  adapters: ReadonlyMap<CloudName, CloudAdapter & Partial<PriceSource>>,
  queries: ReadonlyMap<CloudName, PriceQuery>,
): Promise<PriceSyncResult[]> {
  const results: PriceSyncResult[] = [];
  for (const [cloud, query] of queries) {
    const adapter = adapters.get(cloud);
    if (!adapter?.listPrices) {
      results.push({ cloud, quotes: 0, stored: 0, error: `the ${cloud} adapter reads no prices yet` });
      continue;
    }
    try {
      const quotes = await adapter.listPrices(query);
      const stored = await storePrices(deps.db, quotes);
      results.push({ cloud, quotes: quotes.length, stored });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ cloud, err: message }, "reading prices failed; recommendations use the prices cached before");
      results.push({ cloud, quotes: 0, stored: 0, error: message });
    }
  }
  return results;
}
