// Covering indexes are declared in the Drizzle schema through lastKeyThenInclude(), which relies
// on how drizzle-kit writes an SQL key part into the generated migration. This checks what the
// migrations actually built.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

it.each([
  [
    "idx_resource_utilization_unused",
    "CREATE INDEX idx_resource_utilization_unused ON public.resource_utilization USING btree (organization_id, savings_order, resource_id) INCLUDE (monthly_cost) WHERE is_unused",
  ],
  [
    "idx_resource_utilization_underused",
    "CREATE INDEX idx_resource_utilization_underused ON public.resource_utilization USING btree (organization_id, savings_order, resource_id) INCLUDE (monthly_cost) WHERE is_underused",
  ],
  [
    "idx_cloud_resources_wedding_critical_running",
    "CREATE INDEX idx_cloud_resources_wedding_critical_running ON public.cloud_resources USING btree (organization_id, resource_name) INCLUDE (id, resource_id, resource_type, region_id, health_status) WHERE (is_wedding_critical AND ((resource_status)::text = 'running'::text))",
  ],
])("%s is the covering index the schema declares", async (name, definition) => {
  const rows = await queryRows<{ indexdef: string }>(tdb.db, sql`select indexdef from pg_indexes where indexname = ${name}`);
  expect(rows).toEqual([{ indexdef: definition }]);
});

it("cloud_resources leaves 30 % of each page free, room for a resource's next version on its own page", async () => {
  const rows = await queryRows<{ reloptions: string[] | null }>(
    tdb.db,
    sql`select reloptions from pg_class where oid = 'cloud_resources'::regclass`,
  );
  expect(rows).toEqual([{ reloptions: ["fillfactor=70"] }]);
});
