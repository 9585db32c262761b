import { dependencyTargetKeys } from "@cloudsync/cloud";
import { type DbOrTx, queryRows, withOrganization } from "@cloudsync/db";
import { type SQL, sql } from "drizzle-orm";
import type { WriteContext } from "./resource-sql.ts";

export interface DependencyWriteCounts {
  added: number;
  /** Edges whose type or strength the cloud now reports differently. */
  changed: number;
  removed: number;
  /** Claims whose target no live resource of the organization matches (yet). */
  pending: number;
}

/** The join of claims onto their targets for one way of naming them (provider id, or a configuration field). */
function resolvedBy(orgId: string, key: string | null): SQL {
  const target = key === null ? sql`lower(t.resource_id)` : sql`lower(t.configuration ->> ${key}::text)`;
  const claimKey = (alias: string) => (key === null ? sql`${sql.raw(alias)}.target_key is null` : sql`${sql.raw(alias)}.target_key = ${key}::text`);
  // The EXISTS is a one-time filter: a way of naming no claim uses costs no scan of the resources.
  return sql`
    select c.claimant_id, c.target_key, c.target, c.dependency_type, c.dependency_strength, c.reverse, t.id as target_row_id
      from claims c
      join cloud_resources t on t.organization_id = ${orgId}::uuid and t.resource_status <> 'terminated'
                            and ${target} = lower(c.target)
     where ${claimKey("c")} and exists (select 1 from claims k where ${claimKey("k")})`;
}

/**
 * Brings the organization's sync-owned `resource_dependencies` in step with what its live
 * resources claim (docs/coverage.md, "Relations per kind"), in one statement:
 * - every claim of a live resource is resolved against the organization's live resources (any
 *   provider or account), by provider id or by the configuration field it names;
 * - of two claims between the same two resources the strongest wins (an instance's report of
 *   its boot volume over the volume's report of being attached);
 * - edges no claim supports any more (the cloud stopped naming them, or an end was terminated)
 *   are deleted, each deletion recorded in `resource_changes` on its dependent; edges entered by
 *   people (`discovered_by_sync = false`) are never touched.
 * A claim whose target is not (yet) a live resource stays on its row and becomes an edge at the
 * first sync after the target appears, whichever provider that sync is for.
 */
export function reconcileDependenciesStatement(ctx: WriteContext): SQL {
  const org = ctx.organizationId;
  const lookups = [resolvedBy(org, null), ...dependencyTargetKeys.map((key) => resolvedBy(org, key))];
  return sql`
    with claims as (
      -- The claims are NormalizedResource.dependencies as the writer stored them (camelCase keys).
      select r.id as claimant_id, c."targetKey" as target_key, c.target, c."dependencyType" as dependency_type,
             c."dependencyStrength" as dependency_strength, coalesce(c.reverse, false) as reverse
        from cloud_resources r
        cross join lateral jsonb_to_recordset(r.dependency_claims) as c(
          target text, "targetKey" text, "dependencyType" text, "dependencyStrength" text, reverse boolean)
       where r.organization_id = ${org}::uuid and r.resource_status <> 'terminated'
         and jsonb_typeof(r.dependency_claims) = 'array'
    ),
    resolved as (${sql.join(lookups, sql` union all `)}),
    wanted as (
      select distinct on (dependent_id, parent_id) dependent_id, parent_id, dependency_type, dependency_strength
        from (select case when reverse then target_row_id else claimant_id end as dependent_id,
                     case when reverse then claimant_id else target_row_id end as parent_id,
                     dependency_type, dependency_strength
                from resolved) e
       where dependent_id <> parent_id
       order by dependent_id, parent_id,
                case dependency_strength when 'critical' then 2 when 'hard' then 1 else 0 end desc, dependency_type
    ),
    removed as (
      delete from resource_dependencies d
       where d.organization_id = ${org}::uuid and d.discovered_by_sync
         and not exists (select 1 from wanted w where w.dependent_id = d.dependent_resource_id and w.parent_id = d.parent_resource_id)
      returning d.dependent_resource_id, d.parent_resource_id, d.dependency_type, d.dependency_strength
    ),
    changed as (
      update resource_dependencies d
         set dependency_type = w.dependency_type, dependency_strength = w.dependency_strength
        from wanted w
       where d.organization_id = ${org}::uuid and d.discovered_by_sync
         and d.dependent_resource_id = w.dependent_id and d.parent_resource_id = w.parent_id
         and (d.dependency_type, d.dependency_strength) is distinct from (w.dependency_type, w.dependency_strength)
      returning 1
    ),
    added as (
      insert into resource_dependencies (organization_id, parent_resource_id, dependent_resource_id, dependency_type,
                                         dependency_strength, discovered_by_sync)
      select ${org}::uuid, w.parent_id, w.dependent_id, w.dependency_type, w.dependency_strength, true
        from wanted w
       -- An anti-join first: a speculative insert per existing edge costs several times more.
       where not exists (select 1 from resource_dependencies d
                          where d.parent_resource_id = w.parent_id and d.dependent_resource_id = w.dependent_id)
      -- An edge a person entered between the same two resources stays theirs (and a concurrent run's wins).
      on conflict (parent_resource_id, dependent_resource_id) do nothing
      returning 1
    ),
    history as (
      insert into resource_changes (organization_id, provider_id, resource_id, sync_run_id, change_type,
                                    changed_fields, old_values, new_values)
      select ${org}::uuid, dep.provider_id, r.dependent_resource_id, ${ctx.syncRunId}::uuid, 'updated', array['dependencies'],
             jsonb_build_object('dependency', jsonb_build_object(
               'parent_id', r.parent_resource_id, 'parent_resource_id', par.resource_id,
               'dependency_type', r.dependency_type, 'dependency_strength', r.dependency_strength)),
             jsonb_build_object('dependency', null)
        from removed r
        join cloud_resources dep on dep.organization_id = ${org}::uuid and dep.id = r.dependent_resource_id
        join cloud_resources par on par.organization_id = ${org}::uuid and par.id = r.parent_resource_id
      returning 1
    )
    select (select count(*) from added)::int as added,
           (select count(*) from changed)::int as changed,
           (select count(*) from removed)::int as removed,
           (select count(*) from claims c where not exists (select 1 from resolved v where v.claimant_id = c.claimant_id
                                                              and v.target = c.target))::int as pending`;
}

/**
 * Hash joins, whatever the statistics say. Right after a first sync has written an
 * organization's resources, autovacuum has not analyzed them yet: the planner expects a handful
 * of rows and matches every claim against every resource in a nested loop (42.8 s for 2,227
 * claims over 3,000 GCP resources, 6.7M comparisons, against 60 ms with hash joins). The
 * statement joins whole sets (claims, live resources, edges), where a hash join is the right plan
 * at any size. JIT off too: disabling a plan type inflates the cost estimates past
 * `jit_above_cost`, and compiling this statement took 2 s, far longer than running it.
 * `set local` ends with the transaction.
 */
const bulkJoinSettings = sql`select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`;

/**
 * Runs the reconciliation for the run's organization, inside `withOrganization` so row-level
 * security holds the statement to that organization's rows (as the connection's own role).
 */
export async function reconcileDependencies(db: DbOrTx, ctx: WriteContext): Promise<DependencyWriteCounts> {
  const [row] = await withOrganization(
    db,
    ctx.organizationId,
    async (tx) => {
      await tx.execute(bulkJoinSettings);
      return queryRows<DependencyWriteCounts>(tx, reconcileDependenciesStatement(ctx));
    },
    { role: null },
  );
  return { added: row?.added ?? 0, changed: row?.changed ?? 0, removed: row?.removed ?? 0, pending: row?.pending ?? 0 };
}
