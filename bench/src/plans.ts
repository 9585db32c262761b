import type { Sql } from "postgres";
import type { PlanCheck } from "./report.ts";

interface PlanNode {
  "Node Type"?: string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/** One statement's plan as EXPLAIN (FORMAT JSON) and auto_explain print it. */
export interface StatementPlan {
  "Query Text"?: string;
  Plan: PlanNode;
  [key: string]: unknown;
}

/**
 * Every plan auto_explain logged, parsed from its notices ("duration: … ms  plan:\n{json}").
 * auto_explain is what shows the statements *inside* a PL/pgSQL function; EXPLAIN of the call
 * itself only shows a Result node.
 */
export function plansFromNotices(messages: readonly string[]): StatementPlan[] {
  const plans: StatementPlan[] = [];
  for (const message of messages) {
    const at = message.indexOf("plan:\n");
    if (!message.startsWith("duration:") || at < 0) continue;
    try {
      plans.push(JSON.parse(message.slice(at + "plan:\n".length)) as StatementPlan);
    } catch {
      // A notice that is not a JSON plan is not ours to interpret.
    }
  }
  return plans;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Partition indexes (auto-named per partition) → the parent index they implement. */
export async function partitionIndexParents(sql: Sql): Promise<Map<string, string>> {
  const rows = await sql<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
     where c.relkind = 'i'`;
  return new Map(rows.map((r) => [r.child, r.parent]));
}

/**
 * Whether one intended index was used. An entry may name alternatives, "a|b": either serves the
 * query as well (the keyset page walks `id` order through the primary key or through the
 * (organization_id, id) key, and the planner picks between them by estate size).
 */
export function intendedIndexUsed(intended: string, used: ReadonlySet<string> | readonly string[]): boolean {
  const has = (name: string) => ("has" in used ? used.has(name) : used.includes(name));
  return intended.split("|").some(has);
}

/** The intended entries the plan did not use (an entry of alternatives counts once). */
export function missingIntended(intended: readonly string[], used: readonly string[]): string[] {
  return intended.filter((name) => !intendedIndexUsed(name, used));
}

/** Which indexes and sequential scans the plans used, and whether the intended indexes are among them. */
export function checkPlans(plans: readonly StatementPlan[], intended: readonly string[], parents: ReadonlyMap<string, string>): PlanCheck {
  const indexes = new Set<string>();
  const seqScans = new Map<string, number>();
  for (const plan of plans) {
    walk(plan.Plan, (n) => {
      const type = n["Node Type"] ?? "";
      if (n["Index Name"] && /Index/.test(type)) indexes.add(parents.get(n["Index Name"]) ?? n["Index Name"]);
      if (type === "Seq Scan" && n["Relation Name"]) {
        // Rows read = rows returned + rows the filter threw away, over every loop.
        const loops = Number(n["Actual Loops"] ?? 1);
        const read = (Number(n["Actual Rows"] ?? 0) + Number(n["Rows Removed by Filter"] ?? 0)) * loops;
        seqScans.set(n["Relation Name"], (seqScans.get(n["Relation Name"]) ?? 0) + read);
      }
    });
  }
  const indexesUsed = [...indexes].sort();
  return {
    indexesUsed,
    // An empty partition is always read sequentially, and costs nothing: only scans that read rows count.
    seqScans: [...seqScans].filter(([, rows]) => rows > 0).map(([relation, rows]) => `${relation} (${rows} rows)`).sort(),
    intended: [...intended],
    intendedUsed: intended.every((name) => intendedIndexUsed(name, indexes)),
    plans: [...plans],
  };
}
