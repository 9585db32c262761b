import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

const one = async <T>(statement: ReturnType<typeof sql>) => (await queryRows<{ v: T }>(tdb.db, statement))[0]!.v;

it("size_category_rank orders sizes and leaves custom out", async () => {
  expect(await one(sql`select size_category_rank('nano') < size_category_rank('xlarge') as v`)).toBe(true);
  expect(await one(sql`select size_category_rank('custom') as v`)).toBeNull();
});
