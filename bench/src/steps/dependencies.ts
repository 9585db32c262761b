import type { BenchContext } from "../context.ts";
import type { StoredEstate } from "./history.ts";

/** Edges per INSERT: one statement carries five arrays of this length. */
const BATCH = 20_000;

/**
 * A dependency graph shaped like a real estate's, over the stored resources (deterministic by
 * position, so every run builds the same one): a tenth of the networks are VPCs and the rest
 * subnets, each in one VPC (critical); each instance on one volume (hard) in one subnet (hard);
 * each database in one subnet; each load balancer in front of three instances (soft); each CDN
 * in front of one load balancer (hard). Written as the sync would (`discovered_by_sync`).
 */
export async function loadDependencies(ctx: BenchContext, stored: StoredEstate): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const by = new Map<string, number[]>();
  for (let i = 0; i < stored.ids.length; i++) {
    if (stored.status[i] === "terminated") continue;
    const list = by.get(stored.types[i]!) ?? [];
    list.push(i);
    by.set(stored.types[i]!, list);
  }
  const of = (type: string) => by.get(type) ?? [];
  const networks = of("network");
  const vpcCount = Math.max(1, Math.floor(networks.length / 10));
  const vpcs = networks.slice(0, vpcCount);
  const subnets = networks.slice(vpcCount);
  const storage = of("storage");
  const compute = of("compute");
  const lbs = of("load_balancer");
  const edges: { dependent: number; parent: number; type: string; strength: string }[] = [];
  const pick = (list: number[], k: number) => list[k % list.length];
  subnets.forEach((s, k) => {
    edges.push({ dependent: s, parent: vpcs[k % vpcs.length]!, type: "network", strength: "critical" });
  });
  compute.forEach((c, k) => {
    const volume = pick(storage, k);
    const subnet = pick(subnets, k * 7);
    if (volume !== undefined) edges.push({ dependent: c, parent: volume, type: "storage", strength: "hard" });
    if (subnet !== undefined) edges.push({ dependent: c, parent: subnet, type: "network", strength: "hard" });
  });
  of("database").forEach((d, k) => {
    const subnet = pick(subnets, k * 13);
    if (subnet !== undefined) edges.push({ dependent: d, parent: subnet, type: "network", strength: "hard" });
  });
  lbs.forEach((lb, k) => {
    for (let t = 0; t < 3 && compute.length > 0; t++) edges.push({ dependent: lb, parent: compute[(k * 3 + t) % compute.length]!, type: "load_balancer", strength: "soft" });
  });
  of("cdn").forEach((cdn, k) => {
    const lb = pick(lbs, k);
    if (lb !== undefined) edges.push({ dependent: cdn, parent: lb, type: "load_balancer", strength: "hard" });
  });
  let rows = 0;
  for (let i = 0; i < edges.length; i += BATCH) {
    const batch = edges.slice(i, i + BATCH);
    const result = await ctx.db.sql`
      insert into resource_dependencies (organization_id, dependent_resource_id, parent_resource_id, dependency_type,
                                         dependency_strength, discovered_by_sync)
      select ${ctx.tenant.organizationId}::uuid, d, p, t, s, true
        from unnest(${batch.map((e) => stored.ids[e.dependent]!)}::uuid[], ${batch.map((e) => stored.ids[e.parent]!)}::uuid[],
                    ${batch.map((e) => e.type)}::text[], ${batch.map((e) => e.strength)}::text[]) as x(d, p, t, s)
       where d <> p
      on conflict do nothing`;
    rows += result.count;
  }
  await ctx.db.sql`vacuum (analyze) resource_dependencies`;
  return { rows, seconds: (performance.now() - started) / 1000 };
}
