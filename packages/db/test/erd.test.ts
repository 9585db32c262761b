// The ER diagram in README.md is generated from the Drizzle schema; this fails when the two
// drift apart. No database needed.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { is } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { ERD_END, ERD_START, extractErDiagram, renderErDiagram } from "../src/erd.ts";
import * as schema from "../src/schema/index.ts";

const packageDir = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", packageDir), "utf8");
const diagram = renderErDiagram();

/** The 19 tables of the foundation: the design document's 16 plus organizations, user_profiles, sync_runs. */
const tables = [
  "organizations",
  "user_profiles",
  "cloud_providers",
  "cloud_regions",
  "cloud_services",
  "cloud_resources",
  "resource_scaling_history",
  "resource_dependencies",
  "infrastructure_templates",
  "infrastructure_deployments",
  "cloud_costs",
  "cost_optimization_recommendations",
  "cost_budgets",
  "disaster_recovery_plans",
  "backup_configurations",
  "backup_executions",
  "infrastructure_monitoring",
  "infrastructure_alerts",
  "sync_runs",
];

/** Entity name → attribute names, read back from the rendered diagram. */
function attributesByEntity(text: string): Map<string, string[]> {
  const entities = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split("\n")) {
    const open = /^\s{4}(\w+) \{$/.exec(line);
    if (open) {
      current = [];
      entities.set(open[1]!, current);
    } else if (/^\s{4}\}$/.test(line)) {
      current = null;
    } else if (current) {
      const attribute = /^\s{8}\S+ (\S+)/.exec(line);
      if (attribute) current.push(attribute[1]!);
    }
  }
  return entities;
}

/** Table → column names, from the CREATE TABLE and ADD/RENAME COLUMN statements of drizzle/*.sql. */
function migrationColumns(): Map<string, Set<string>> {
  const dir = new URL("drizzle/", packageDir);
  const columns = new Map<string, Set<string>>();
  const add = (table: string, column: string) => {
    if (!columns.has(table)) columns.set(table, new Set());
    columns.get(table)!.add(column);
  };
  for (const file of readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith(".sql")).sort()) {
    const text = readFileSync(new URL(file, dir), "utf8");
    for (const create of text.matchAll(/CREATE TABLE "(\w+)" \(\n([\s\S]*?)\n\)/g)) {
      for (const column of create[2]!.matchAll(/^\t"(\w+)" /gm)) add(create[1]!, column[1]!);
    }
    for (const alter of text.matchAll(/ALTER TABLE "(\w+)" ADD COLUMN (?:IF NOT EXISTS )?"(\w+)"/g)) add(alter[1]!, alter[2]!);
    for (const rename of text.matchAll(/ALTER TABLE "(\w+)" RENAME COLUMN "\w+" TO "(\w+)"/g)) add(rename[1]!, rename[2]!);
  }
  return columns;
}

describe("ER diagram", () => {
  it("README.md holds the diagram the schema renders", () => {
    expect(readme, `README.md needs the markers ${ERD_START} and ${ERD_END}`).toContain(ERD_START);
    expect(readme).toContain(ERD_END);
    const checkedIn = extractErDiagram(readme);
    expect(
      checkedIn,
      "the ER diagram in packages/db/README.md is out of date with src/schema: run `pnpm --filter @cloudsync/db erd`",
    ).toBe(diagram);
  });

  it("is deterministic", () => {
    expect(renderErDiagram()).toBe(diagram);
  });

  it("has an entity for every table", () => {
    const entities = attributesByEntity(diagram);
    const exported = Object.values(schema).flatMap((v) => (is(v, PgTable) ? [getTableConfig(v).name] : []));
    for (const table of new Set([...tables, ...exported])) expect(entities.has(table), `no entity for ${table}`).toBe(true);
    expect(entities.get("cloud_resources")).toContain("organization_id");
  });

  it("has a relationship line per foreign key", () => {
    expect(diagram).toContain('organizations ||--o{ cloud_providers : "organization_id"');
    // References between tenant tables carry the organization (migration 0021).
    expect(diagram).toContain('cloud_resources ||--o{ resource_dependencies : "parent_resource_id, same organization"');
    expect(diagram).toContain('cloud_resources ||--o{ resource_dependencies : "dependent_resource_id, same organization"');
    // Nullable foreign keys read "zero or one parent".
    expect(diagram).toContain('infrastructure_deployments |o--o{ cloud_resources : "deployment_id, same organization, on delete set null"');
  });

  it("names columns as the migrations do (snake_case)", () => {
    const columns = migrationColumns();
    for (const [entity, attributes] of attributesByEntity(diagram)) {
      for (const name of attributes) {
        expect(name, `${entity}.${name}`).toMatch(/^[a-z][a-z0-9_]*$/);
        // The materialized view's columns are aliases in its SELECT, not a CREATE TABLE.
        if (entity === "monthly_cost_summary") continue;
        expect(columns.get(entity)?.has(name), `${entity}.${name} is not a column of ${entity} in drizzle/*.sql`).toBe(true);
      }
    }
  });
});
