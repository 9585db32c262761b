import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../client.ts";
import { InvalidInputError } from "../errors.ts";
import type { DependencyStrength, DependencyType } from "../schema/resources.ts";
import { requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

/**
 * `upstream`: what the resource depends on (its volumes, subnet, VPC…), following
 * dependent → parent; `downstream`: what depends on it, parent → dependent.
 */
export type DependencyDirection = "upstream" | "downstream";

/** One resource reached from the start, at its shortest distance. */
export interface DependencyNode {
  /** `cloud_resources.id`. */
  id: string;
  /** The provider's own id (`vol-…`, an ARN). */
  resourceId: string;
  resourceName: string;
  resourceType: string;
  resourceSubtype: string | null;
  resourceStatus: string | null;
  isWeddingCritical: boolean;
  /** 1 for a direct dependency, 2 for one of its own, … */
  depth: number;
  /** The node one step closer to the start, whose edge led here. */
  via: string;
  /** The type and strength of that edge. */
  dependencyType: DependencyType;
  dependencyStrength: DependencyStrength;
}

export interface DependencyGraphParams {
  organizationId: string;
  /** `cloud_resources.id` of the start. */
  resourceId: string;
  direction: DependencyDirection;
  /** How many edges away to follow (default 5, at most 20). */
  maxDepth?: number;
}

const MAX_DEPTH = 20;

function depthOf(maxDepth: number | undefined, fallback: number): number {
  const depth = maxDepth ?? fallback;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
    throw new InvalidInputError("maxDepth", `expected a whole number from 1 to ${MAX_DEPTH}, got ${JSON.stringify(maxDepth)}`);
  }
  return depth;
}

/** The edge's near end (where a step starts) and far end (where it lands) for a direction. */
function ends(direction: DependencyDirection): { near: SQL; far: SQL } {
  if (direction !== "upstream" && direction !== "downstream") {
    throw new InvalidInputError("direction", `expected "upstream" or "downstream", got ${JSON.stringify(direction)}`);
  }
  return direction === "upstream"
    ? { near: sql.raw("dependent_resource_id"), far: sql.raw("parent_resource_id") }
    : { near: sql.raw("parent_resource_id"), far: sql.raw("dependent_resource_id") };
}

interface NodeRow {
  start: string;
  id: string;
  resource_id: string;
  resource_name: string;
  resource_type: string;
  resource_subtype: string | null;
  resource_status: string | null;
  is_wedding_critical: boolean | null;
  depth: number;
  via: string;
  dependency_type: DependencyType;
  dependency_strength: DependencyStrength;
}

/**
 * The walk from a set of start rows: each step one edge further, never back onto its own path
 * (the graph may have cycles), at most `depth` steps; then each start's nodes at their shortest
 * distance, with their rows. Every table is filtered by the organization as well as by the
 * policies, so the planner uses the organization-leading indexes.
 */
function walkStatement(orgId: string, starts: SQL, direction: DependencyDirection, depth: number): SQL {
  const { near, far } = ends(direction);
  // One index probe per node reached (LATERAL, kept from being flattened into a join by
  // OFFSET 0): the planner cannot estimate a recursive walk's size and otherwise hashes the
  // whole edge table at every step (measured: 2 s instead of milliseconds from 2,000 starts).
  const step = (from: SQL) => sql`
    cross join lateral (select d.${far} as far, d.dependency_type, d.dependency_strength
                          from resource_dependencies d
                         where d.organization_id = ${orgId}::uuid and d.${near} = ${from}
                        offset 0) e`;
  return sql`
    with recursive starts(start) as (${starts}),
    walk(start, id, depth, via, dependency_type, dependency_strength, path) as (
      select s.start, e.far, 1, s.start, e.dependency_type, e.dependency_strength, array[s.start, e.far]
        from starts s ${step(sql`s.start`)}
      union all
      select w.start, e.far, w.depth + 1, w.id, e.dependency_type, e.dependency_strength, w.path || e.far
        from walk w ${step(sql`w.id`)}
       where w.depth < ${depth} and e.far <> all(w.path)
    ),
    nearest as (
      select distinct on (w.start, w.id) w.start, w.id, w.depth, w.via, w.dependency_type, w.dependency_strength
        from walk w
       order by w.start, w.id, w.depth
    )
    select n.start, n.id, r.resource_id, r.resource_name, r.resource_type, r.resource_subtype, r.resource_status,
           r.is_wedding_critical, n.depth, n.via, n.dependency_type, n.dependency_strength
      from nearest n
      cross join lateral (select c.resource_id, c.resource_name, c.resource_type, c.resource_subtype, c.resource_status,
                                 c.is_wedding_critical
                            from cloud_resources c
                           where c.organization_id = ${orgId}::uuid and c.id = n.id
                          offset 0) r
     order by n.start, n.depth, r.resource_name, n.id`;
}

function toNode(row: NodeRow): DependencyNode {
  return {
    id: row.id,
    resourceId: row.resource_id,
    resourceName: row.resource_name,
    resourceType: row.resource_type,
    resourceSubtype: row.resource_subtype,
    resourceStatus: row.resource_status,
    isWeddingCritical: row.is_wedding_critical === true,
    depth: Number(row.depth),
    via: row.via,
    dependencyType: row.dependency_type,
    dependencyStrength: row.dependency_strength,
  };
}

function graphStatement(params: DependencyGraphParams): SQL {
  const orgId = requireUuid("organizationId", params.organizationId);
  const start = requireUuid("resourceId", params.resourceId);
  return walkStatement(orgId, sql`select ${start}::uuid`, params.direction, depthOf(params.maxDepth, 5));
}

/**
 * A resource's upstream (what it depends on) or downstream (what depends on it) to a depth,
 * nearest first. Call inside `withOrganization`: row-level security hides other organizations'
 * edges and resources, so a resource of another organization has no neighbours.
 */
export async function getResourceDependencyGraph(db: DbOrTx, params: DependencyGraphParams): Promise<DependencyNode[]> {
  const rows = await withoutJit(db, () => queryRows<NodeRow>(db, graphStatement(params)));
  return rows.map(toNode);
}

/**
 * Runs a walk with JIT compilation off for the rest of the transaction's statement, then puts
 * the setting back. The planner cannot size a recursive walk and estimates it far above
 * `jit_above_cost`; compiling it then took 670 of 780 ms for a walk that reads a few thousand
 * rows (measured at 100k resources from 2,000 wedding-critical starts; 110 ms without).
 * Outside a transaction the setting lasts only its own statement, so the walk keeps JIT.
 */
async function withoutJit<T>(db: DbOrTx, run: () => Promise<T>): Promise<T> {
  const [before] = await queryRows<{ jit: string }>(db, sql`select current_setting('jit') as jit, set_config('jit', 'off', true)`);
  // Put back on success only: after a failure the transaction is aborted (and rolling it back
  // restores the setting), so a statement here would hide the error.
  const result = await run();
  await queryRows(db, sql`select set_config('jit', ${before?.jit ?? "on"}, true)`);
  return result;
}

const dialect = new PgDialect({ casing: "snake_case" });

/** The statements the helpers run, as text and parameters: for benchmarks and EXPLAIN by hand. */
export const dependencyQueries = {
  graph(params: DependencyGraphParams): { sql: string; params: unknown[] } {
    return dialect.sqlToQuery(graphStatement(params));
  },
  weddingCritical(params: WeddingCriticalParams): { sql: string; params: unknown[] } {
    return dialect.sqlToQuery(weddingCriticalWalk(params));
  },
};

export interface WeddingCriticalDependencies {
  /** The wedding-critical resource. */
  id: string;
  resourceId: string;
  resourceName: string;
  resourceType: string;
  /** What it depends on (upstream) or what depends on it (downstream), nearest first. */
  nodes: DependencyNode[];
}

export interface WeddingCriticalParams {
  organizationId: string;
  /** `downstream` (default): what breaks with each; `upstream`: what each depends on. */
  direction?: DependencyDirection;
  /** Default 3, at most 20. */
  maxDepth?: number;
  /**
   * At most this many wedding-critical resources (1–1,000), in name order: a page. Default: all
   * of them, which at 100k resources is 2,454 walks and 5,422 rows in one answer (about
   * 110 ms); a dashboard pages instead, 100 at a time in a few milliseconds (docs/performance.md).
   */
  limit?: number;
  /** The page after this resource: the `resourceName` and `id` of the last one of the previous page. */
  after?: { resourceName: string; id: string };
}

/** The running wedding-critical resources a call covers, by name then id (the partial index's order). */
function criticalStarts(orgId: string, params: WeddingCriticalParams, columns: SQL): SQL {
  const after = params.after
    ? sql`and (resource_name, id) > (${params.after.resourceName}::text, ${requireUuid("after.id", params.after.id)}::uuid)`
    : sql``;
  const limit = params.limit === undefined ? sql`` : sql`limit ${limitOf(params.limit)}`;
  return sql`select ${columns} from cloud_resources
              where organization_id = ${orgId}::uuid and is_wedding_critical and resource_status = 'running' ${after}
              order by resource_name, id ${limit}`;
}

function limitOf(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidInputError("limit", `expected a whole number from 1 to 1000, got ${JSON.stringify(limit)}; page with \`after\` for more`);
  }
  return limit;
}

/** The walk from the organization's running wedding-critical resources (found by the same partial index). */
function weddingCriticalWalk(params: WeddingCriticalParams): SQL {
  const orgId = requireUuid("organizationId", params.organizationId);
  const starts = criticalStarts(orgId, params, sql`id`);
  return walkStatement(orgId, starts, params.direction ?? "downstream", depthOf(params.maxDepth, 3));
}

/**
 * For each running wedding-critical resource of the organization (or of a page of them, with
 * `limit` and `after`), its dependents (what breaks with it) or its dependencies, in one
 * statement; resources with none are listed with an empty list. Call inside `withOrganization`.
 */
export async function getWeddingCriticalDependencies(db: DbOrTx, params: WeddingCriticalParams): Promise<WeddingCriticalDependencies[]> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const walk = weddingCriticalWalk(params);
  // The partial index idx_cloud_resources_wedding_critical_running lists these from the index alone.
  const critical = await queryRows<{ id: string; resource_id: string; resource_name: string; resource_type: string }>(
    db,
    criticalStarts(orgId, params, sql`id, resource_id, resource_name, resource_type`),
  );
  if (critical.length === 0) return [];
  const rows = await withoutJit(db, () => queryRows<NodeRow>(db, walk));
  const byStart = new Map<string, DependencyNode[]>();
  for (const row of rows) {
    const list = byStart.get(row.start);
    if (list) list.push(toNode(row));
    else byStart.set(row.start, [toNode(row)]);
  }
  return critical.map((c) => ({
    id: c.id,
    resourceId: c.resource_id,
    resourceName: c.resource_name,
    resourceType: c.resource_type,
    nodes: byStart.get(c.id) ?? [],
  }));
}
