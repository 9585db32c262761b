import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { cloudResources, queryRows, withOrganization } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { createResource, createTenant } from "./fixtures.ts";

/**
 * The Citus layout (packages/db/sql/citus, docs/scaling.md) checked on plain PostgreSQL: the key
 * script applies to a migrated database, and the distribution script then meets Citus's rules,
 * read from the catalog — every table placed once; a distributed table's every key includes its
 * distribution column; a foreign key between distributed tables joins on that column; no
 * reference table points at a distributed one; parents are distributed before their children.
 */
const folder = new URL("../sql/citus/", import.meta.url);
const keysScript = readFileSync(new URL("01-keys.sql", folder), "utf8");
const distributeScript = readFileSync(new URL("02-distribute.sql", folder), "utf8");

interface Placement {
  table: string;
  kind: "reference" | "distributed";
  column: string | null;
}

function placements(script: string): Placement[] {
  const out: Placement[] = [];
  for (const m of script.matchAll(/create_(reference|distributed)_table\('([a-z_]+)'(?:,\s*'([a-z_]+)')?/g)) {
    out.push({ table: m[2]!, kind: m[1] as Placement["kind"], column: m[3] ?? null });
  }
  return out;
}

let tdb: TestDatabase;
const layout = placements(distributeScript);
const place = new Map(layout.map((p, i) => [p.table, { ...p, order: i }]));

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_citus_layout" });
  // As an operator runs it: one session, the file's own BEGIN … COMMIT.
  const session = postgres(tdb.url, { max: 1, onnotice: () => {} });
  try {
    await session.unsafe(keysScript);
  } finally {
    await session.end();
  }
});
afterAll(async () => tdb?.drop());

describe("the Citus layout", () => {
  it("places every table of the schema exactly once", async () => {
    const tables = await queryRows<{ name: string }>(
      tdb.db,
      sql`select c.relname::text as name from pg_class c
           where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    );
    expect(layout.map((p) => p.table).sort()).toEqual(tables.map((t) => t.name));
    expect(new Set(layout.map((p) => p.table)).size).toBe(layout.length);
  });

  it("distributes by a NOT NULL organization_id that every key of the table includes", async () => {
    const distributed = layout.filter((p) => p.kind === "distributed");
    expect(distributed.length).toBeGreaterThan(20);
    for (const p of distributed) expect(p.column, p.table).toBe("organization_id");
    const keys = await queryRows<{ table: string; name: string; columns: string[]; not_null: boolean }>(
      tdb.db,
      sql`select i.indrelid::regclass::text as "table", i.indexrelid::regclass::text as name,
                 array(select a.attname::text from unnest(i.indkey) k join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k) as columns,
                 (select a.attnotnull from pg_attribute a where a.attrelid = i.indrelid and a.attname = 'organization_id') as not_null
            from pg_index i join pg_class c on c.oid = i.indrelid
           where i.indisunique and c.relnamespace = 'public'::regnamespace and not c.relispartition`,
    );
    for (const key of keys.filter((k) => place.get(k.table)?.kind === "distributed")) {
      expect(key.columns, `${key.table}: ${key.name}`).toContain("organization_id");
      expect(key.not_null, key.table).toBe(true);
    }
  });

  it("joins every foreign key between distributed tables on organization_id, and keeps reference tables free of them", async () => {
    const fks = await queryRows<{ name: string; child: string; parent: string; child_columns: string[]; parent_columns: string[] }>(
      tdb.db,
      sql`select conname::text as name, conrelid::regclass::text as child, confrelid::regclass::text as parent,
                 array(select a.attname::text from unnest(conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = conrelid and a.attnum = k.n order by k.o) as child_columns,
                 array(select a.attname::text from unnest(confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = confrelid and a.attnum = k.n order by k.o) as parent_columns
            from pg_constraint
           where contype = 'f' and connamespace = 'public'::regnamespace
             and not exists (select 1 from pg_inherits i where i.inhrelid = conrelid)`,
    );
    expect(fks.length).toBeGreaterThan(40);
    for (const fk of fks) {
      const child = place.get(fk.child)!;
      const parent = place.get(fk.parent)!;
      if (child.kind === "reference") expect(parent.kind, `${fk.name}: a reference table may point at reference tables only`).toBe("reference");
      if (child.kind === "distributed" && parent.kind === "distributed") {
        const at = fk.child_columns.indexOf("organization_id");
        expect(at, fk.name).toBeGreaterThanOrEqual(0);
        expect(fk.parent_columns[at], fk.name).toBe("organization_id");
      }
      if (fk.child !== fk.parent) expect(parent.order, `${fk.name}: ${fk.parent} must be placed before ${fk.child}`).toBeLessThan(child.order);
    }
  });

  it("leaves a schema the application still works on: tenants, resources and row-level security", async () => {
    const a = await createTenant(tdb.db, "citus-alpha");
    const b = await createTenant(tdb.db, "citus-bravo");
    await createResource(tdb.db, a, 1);
    await createResource(tdb.db, b, 2);
    const seen = await withOrganization(tdb.db, a.organizationId, (tx) => tx.select({ org: cloudResources.organizationId }).from(cloudResources));
    expect(seen.map((r) => r.org)).toEqual([a.organizationId]);
  });
});
