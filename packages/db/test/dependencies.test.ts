import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DependencyNode,
  getResourceDependencyGraph,
  getWeddingCriticalDependencies,
  InvalidInputError,
  queryRows,
  resourceDependencies,
  withOrganization,
} from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
/** Org A's estate: web → {boot, subnet}; subnet → vpc; lb → web; cdn → lb; vpc → subnet (a cycle, on purpose). */
const ids: Record<string, string> = {};

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "deps-a");
  b = await createTenant(tdb.db, "deps-b");
  const names = ["web", "boot", "subnet", "vpc", "lb", "cdn"];
  for (const [n, name] of names.entries()) {
    const row = await createResource(tdb.db, a, n + 1, { resourceName: name, isWeddingCritical: name === "web" });
    ids[name] = row.id;
  }
  const edge = (dependent: string, parent: string, type: "storage" | "network" | "load_balancer", strength: "soft" | "hard" | "critical") => ({
    organizationId: a.organizationId,
    dependentResourceId: ids[dependent]!,
    parentResourceId: ids[parent]!,
    dependencyType: type,
    dependencyStrength: strength,
  });
  await tdb.db.insert(resourceDependencies).values([
    edge("web", "boot", "storage", "hard"),
    edge("web", "subnet", "network", "hard"),
    edge("subnet", "vpc", "network", "critical"),
    edge("vpc", "subnet", "network", "soft"),
    edge("lb", "web", "load_balancer", "soft"),
    edge("cdn", "lb", "load_balancer", "hard"),
  ]);
  // Org B has a wedding-critical resource of its own, with no edges.
  await createResource(tdb.db, b, 1, { resourceName: "b-web", isWeddingCritical: true });
});

afterAll(async () => {
  await tdb?.drop();
});

const brief = (nodes: DependencyNode[]) => nodes.map((n) => [n.resourceName, n.depth, n.dependencyType, n.dependencyStrength]);

describe("getResourceDependencyGraph", () => {
  it("walks upstream nearest first, each node once at its shortest depth, through a cycle without looping", async () => {
    const nodes = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getResourceDependencyGraph(tx, { organizationId: a.organizationId, resourceId: ids.web!, direction: "upstream" }),
    );
    expect(brief(nodes)).toEqual([
      ["boot", 1, "storage", "hard"],
      ["subnet", 1, "network", "hard"],
      ["vpc", 2, "network", "critical"],
    ]);
    expect(nodes.find((n) => n.resourceName === "vpc")?.via).toBe(ids.subnet);
  });

  it("leaves the transaction's JIT setting as it found it", async () => {
    const jit = await withOrganization(tdb.db, a.organizationId, async (tx) => {
      await queryRows(tx, sql`select set_config('jit', 'on', true)`);
      await getResourceDependencyGraph(tx, { organizationId: a.organizationId, resourceId: ids.web!, direction: "upstream" });
      const [row] = await queryRows<{ jit: string }>(tx, sql`select current_setting('jit') as jit`);
      return row?.jit;
    });
    expect(jit).toBe("on");
  });

  it("walks downstream to the depth asked", async () => {
    const all = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getResourceDependencyGraph(tx, { organizationId: a.organizationId, resourceId: ids.web!, direction: "downstream" }),
    );
    expect(brief(all)).toEqual([
      ["lb", 1, "load_balancer", "soft"],
      ["cdn", 2, "load_balancer", "hard"],
    ]);
    const one = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getResourceDependencyGraph(tx, { organizationId: a.organizationId, resourceId: ids.web!, direction: "downstream", maxDepth: 1 }),
    );
    expect(brief(one)).toEqual([["lb", 1, "load_balancer", "soft"]]);
  });

  it("shows another organization nothing, even given the id and claiming the organization", async () => {
    const nodes = await withOrganization(tdb.db, b.organizationId, (tx) =>
      getResourceDependencyGraph(tx, { organizationId: a.organizationId, resourceId: ids.web!, direction: "upstream" }),
    );
    expect(nodes).toEqual([]);
  });

  it("refuses a depth or direction it cannot honour, saying which", async () => {
    await expect(
      getResourceDependencyGraph(tdb.db, { organizationId: a.organizationId, resourceId: ids.web!, direction: "upstream", maxDepth: 0 }),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      getResourceDependencyGraph(tdb.db, { organizationId: a.organizationId, resourceId: ids.web!, direction: "sideways" as never }),
    ).rejects.toThrow(/direction/);
  });
});

describe("getWeddingCriticalDependencies", () => {
  it("lists what breaks with each running wedding-critical resource of the organization only", async () => {
    const result = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getWeddingCriticalDependencies(tx, { organizationId: a.organizationId }),
    );
    expect(result.map((r) => [r.resourceName, brief(r.nodes)])).toEqual([
      [
        "web",
        [
          ["lb", 1, "load_balancer", "soft"],
          ["cdn", 2, "load_balancer", "hard"],
        ],
      ],
    ]);
  });

  it("lists what each depends on upstream, and a resource with no edges with none", async () => {
    const up = await withOrganization(tdb.db, a.organizationId, (tx) =>
      getWeddingCriticalDependencies(tx, { organizationId: a.organizationId, direction: "upstream", maxDepth: 1 }),
    );
    expect(up.map((r) => [r.resourceName, brief(r.nodes)])).toEqual([
      [
        "web",
        [
          ["boot", 1, "storage", "hard"],
          ["subnet", 1, "network", "hard"],
        ],
      ],
    ]);
    const other = await withOrganization(tdb.db, b.organizationId, (tx) =>
      getWeddingCriticalDependencies(tx, { organizationId: b.organizationId }),
    );
    expect(other.map((r) => [r.resourceName, r.nodes])).toEqual([["b-web", []]]);
  });

  it("cannot see another organization's wedding-critical resources", async () => {
    const result = await withOrganization(tdb.db, b.organizationId, (tx) =>
      getWeddingCriticalDependencies(tx, { organizationId: a.organizationId }),
    );
    expect(result).toEqual([]);
  });
});

describe("getWeddingCriticalDependencies, a page at a time", () => {
  it("pages the wedding-critical resources by name, each with its own walk, and refuses a limit out of range", async () => {
    const c = await createTenant(tdb.db, "deps-c");
    const row: Record<string, string> = {};
    for (const [n, name] of ["c3", "c1", "x", "c2"].entries()) {
      row[name] = (await createResource(tdb.db, c, n + 1, { resourceName: name, isWeddingCritical: name !== "x" })).id;
    }
    // x depends on c2: it breaks with c2 and only c2.
    await tdb.db.insert(resourceDependencies).values({
      organizationId: c.organizationId,
      dependentResourceId: row.x!,
      parentResourceId: row.c2!,
      dependencyType: "network",
      dependencyStrength: "hard",
    });
    const page = (params: { limit?: number; after?: { resourceName: string; id: string } }) =>
      withOrganization(tdb.db, c.organizationId, (tx) => getWeddingCriticalDependencies(tx, { organizationId: c.organizationId, ...params }));

    const first = await page({ limit: 2 });
    expect(first.map((r) => [r.resourceName, brief(r.nodes)])).toEqual([
      ["c1", []],
      ["c2", [["x", 1, "network", "hard"]]],
    ]);
    const last = first.at(-1)!;
    const second = await page({ limit: 2, after: { resourceName: last.resourceName, id: last.id } });
    expect(second.map((r) => r.resourceName)).toEqual(["c3"]);
    expect(await page({ limit: 2, after: { resourceName: "c3", id: row.c3! } })).toEqual([]);
    // Without a limit: all three, as before.
    expect((await page({})).map((r) => r.resourceName)).toEqual(["c1", "c2", "c3"]);
    await expect(page({ limit: 0 })).rejects.toThrow(/limit.*whole number from 1 to 1000/);
    await expect(page({ limit: 1001 })).rejects.toThrow(/page with `after`/);
    await expect(page({ after: { resourceName: "c1", id: "not-a-uuid" } })).rejects.toThrow(InvalidInputError);
  });
});
