import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb?.drop());

const one = async <T>(statement: ReturnType<typeof sql>) => (await queryRows<{ v: T }>(tdb.db, statement))[0]!.v;

describe("environment_from_tags", () => {
  it.each([
    [{ env: "prod" }, "production"],
    [{ Environment: "Production" }, "production"],
    [{ ENV: " staging " }, "staging"],
    [{ stage: "uat" }, "staging"],
    [{ env: "QA" }, "testing"],
    [{ environment: "dev" }, "development"],
    [{ env: "sandbox" }, "development"],
    [{ env: "prod", environment: "dev" }, "development"], // `environment` wins over `env`
    [{ env: "something-else" }, null],
    [{ team: "payments" }, null],
    [{}, null],
  ])("%j → %s", async (tags, expected) => {
    expect(await one(sql`select environment_from_tags(${JSON.stringify(tags)}::jsonb) as v`)).toBe(expected);
  });
});

describe("wedding_critical_from_tags", () => {
  it.each([
    [{ "wedding-critical": "true" }, true],
    [{ wedding_critical: "YES" }, true],
    [{ WeddingCritical: "1" }, true],
    [{ "wedding-critical": "false" }, false],
    [{ team: "x" }, null],
  ])("%j → %s", async (tags, expected) => {
    expect(await one(sql`select wedding_critical_from_tags(${JSON.stringify(tags)}::jsonb) as v`)).toBe(expected);
  });
});

describe("resource_change_diff", () => {
  it("lists changed fields with old and new values, configuration one level deep", async () => {
    const [row] = await queryRows<{ changed_fields: string[]; old_values: unknown; new_values: unknown }>(
      tdb.db,
      sql`select * from resource_change_diff(
            '{"resource_name":"a","resource_status":"running","tags":{"x":"1"}}'::jsonb,
            '{"resource_name":"a","resource_status":"stopped","tags":{"x":"2"}}'::jsonb,
            '{"InstanceType":"t3.micro","Zone":"us-east-1a"}'::jsonb,
            '{"InstanceType":"t3.large","Zone":"us-east-1a","New":true}'::jsonb)`,
    );
    expect(row!.changed_fields).toEqual(["resource_status", "tags", "configuration"]);
    expect(row!.old_values).toEqual({ resource_status: "running", tags: { x: "1" }, configuration: { InstanceType: "t3.micro", New: null } });
    expect(row!.new_values).toEqual({ resource_status: "stopped", tags: { x: "2" }, configuration: { InstanceType: "t3.large", New: true } });
  });

  it("is empty when nothing changed", async () => {
    const [row] = await queryRows<{ changed_fields: string[] }>(
      tdb.db,
      sql`select * from resource_change_diff('{"a":1}'::jsonb, '{"a":1}'::jsonb, '{}'::jsonb, '{}'::jsonb)`,
    );
    expect(row!.changed_fields).toEqual([]);
  });
});

it("size_category_rank orders sizes and leaves custom out", async () => {
  expect(await one(sql`select size_category_rank('nano') < size_category_rank('xlarge') as v`)).toBe(true);
  expect(await one(sql`select size_category_rank('custom') as v`)).toBeNull();
});
