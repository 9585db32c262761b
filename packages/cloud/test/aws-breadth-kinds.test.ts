import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import type { AwsAdapterConfig } from "../src/aws/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { collect, kindTestAdapter, resourcesOf } from "./aws-kind-harness.ts";

/**
 * The breadth kinds through their real SDK clients against the emulator, one table row per kind:
 * every resource listed with the emulator's (independently computed) status, name and tags;
 * throttles retried and, when they persist, failing only their scope; an item served without its
 * status skipped; refused credentials reported as such.
 */
interface KindCase {
  kind: string;
  /** The emulator's scope kind. */
  scopeKind: string;
  resourceType: string;
  /** The list call a fault is aimed at (`service:Action`). */
  listCall: string;
  /** Calls made once per listed item, when the list does not carry everything. */
  perItemCalls: readonly string[];
  /** What the skipped item's reason says when the emulator serves it malformed. */
  malformedReason: RegExp;
  /** The code the refusal of credentials carries in this protocol. */
  refusedCode: RegExp;
  /** The configuration field a consumer will query. */
  configured: string;
}

const cases: readonly KindCase[] = [
  {
    kind: "eks_cluster",
    scopeKind: "eks_cluster",
    resourceType: "compute",
    listCall: "eks:ListClusters",
    perItemCalls: ["eks:DescribeCluster"],
    malformedReason: /unknown cluster status null/,
    refusedCode: /UnrecognizedClientException/,
    configured: "version",
  },
  {
    kind: "ecs_cluster",
    scopeKind: "ecs_cluster",
    resourceType: "compute",
    listCall: "ecs:ListClusters",
    perItemCalls: [],
    malformedReason: /unknown cluster status null/,
    refusedCode: /UnrecognizedClientException/,
    configured: "runningTasksCount",
  },
  {
    kind: "ecs_service",
    scopeKind: "ecs_service",
    resourceType: "compute",
    listCall: "ecs:ListServices",
    perItemCalls: [],
    malformedReason: /unknown service status null/,
    refusedCode: /UnrecognizedClientException/,
    configured: "desiredCount",
  },
  {
    kind: "autoscaling_group",
    scopeKind: "autoscaling_group",
    resourceType: "compute",
    listCall: "autoscaling:DescribeAutoScalingGroups",
    perItemCalls: [],
    malformedReason: /without DesiredCapacity/,
    refusedCode: /InvalidClientTokenId/,
    configured: "MaxSize",
  },
  {
    kind: "elasticache_cluster",
    scopeKind: "elasticache_cluster",
    resourceType: "database",
    listCall: "elasticache:DescribeCacheClusters",
    perItemCalls: ["elasticache:ListTagsForResource"],
    malformedReason: /unknown cache cluster status null/,
    refusedCode: /InvalidClientTokenId/,
    configured: "CacheNodeType",
  },
  {
    kind: "efs_file_system",
    scopeKind: "efs_file_system",
    resourceType: "storage",
    listCall: "elasticfilesystem:DescribeFileSystems",
    perItemCalls: [],
    malformedReason: /unknown file system state null/,
    refusedCode: /UnrecognizedClientException/,
    configured: "SizeInBytes",
  },
  {
    kind: "redshift_cluster",
    scopeKind: "redshift_cluster",
    resourceType: "analytics",
    listCall: "redshift:DescribeClusters",
    perItemCalls: [],
    malformedReason: /unknown cluster status null/,
    refusedCode: /InvalidClientTokenId/,
    configured: "NodeType",
  },
  {
    kind: "aws_tagged_resource",
    scopeKind: "tagged_resource",
    resourceType: "(per ARN)",
    listCall: "tagging:GetResources",
    perItemCalls: [],
    malformedReason: /not an ARN with a resource part/,
    refusedCode: /UnrecognizedClientException/,
    configured: "ResourceARN",
  },
];

const accounts = ["111111111111", "222222222222"];
const regions = ["us-east-1", "us-west-2"];

describe.each(cases)("$kind against the emulator", (c) => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) => kindTestAdapter(emu, overrides);
  const expectedItems = () => [...emu.expected()].filter((x) => x.scopeKind === c.scopeKind && accounts.includes(x.account) && regions.includes(x.region));

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 11, size: 2_000 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("lists every resource with the emulator's status, name and tags, across pages, accounts and regions", async () => {
    const want = expectedItems();
    // Enough for several pages of four.
    expect(want.length).toBeGreaterThan(8);
    const before = c.perItemCalls.map((call) => emu.requests.get(call) ?? 0);
    const events = await collect(adapterFor().streamResources({ kinds: [c.kind] }));
    expect(events.filter((e) => e.type === "scope_failed" || e.type === "item_skipped")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(accounts.length * regions.length);

    const got = resourcesOf(events);
    expect(got.map((r) => r.resourceId).sort()).toEqual(want.map((x) => x.resourceId).sort());
    const byId = new Map(got.map((r) => [r.resourceId, r]));
    for (const x of want) {
      const r = byId.get(x.resourceId);
      expect({ kind: r?.kind, name: r?.name, status: r?.status, tags: r?.tags, region: r?.regionCode }).toEqual({
        kind: x.kind,
        name: x.name,
        status: x.status,
        tags: x.tags,
        region: x.region,
      });
      if (c.scopeKind !== "tagged_resource") expect(r?.resourceType).toBe(c.resourceType);
      expect(r?.configuration[c.configured]).toBeDefined();
    }
    for (const [i, call] of c.perItemCalls.entries()) expect((emu.requests.get(call) ?? 0) - (before[i] as number)).toBe(want.length);
    expect(new Set(got.map((r) => r.status)).size).toBeGreaterThan(c.scopeKind === "tagged_resource" ? 0 : 1);
    expect(got.some((r) => r.tags["wedding-critical"] === "true")).toBe(true);
  });

  it("retries throttles and fails only the scope that stays throttled", async () => {
    emu.faults.set({ throttle: 1, match: `${c.listCall} 222222222222/us-east-1` });
    let events = await collect(adapterFor().streamResources({ kinds: [c.kind] }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);

    emu.faults.set({ throttle: 1_000, match: `${c.listCall} 111111111111/us-west-2` });
    events = await collect(adapterFor({ maxAttempts: 2 }).streamResources({ kinds: [c.kind] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.map((f) => `${f.scope.account}/${f.scope.region}`)).toEqual(["111111111111/us-west-2"]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(3);
  });

  it("skips an item served malformed and completes its scope", async () => {
    const bad = expectedItems().find((x) => x.account === "111111111111" && x.region === "us-east-1");
    expect(bad).toBeDefined();
    emu.faults.set({ malformedItemIds: [bad?.resourceId ?? ""] });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }], regions: ["us-east-1"] }).streamResources({ kinds: [c.kind] }));
    const skipped = events.flatMap((e) => (e.type === "item_skipped" ? [e] : []));
    expect(skipped.length).toBe(1);
    // The catch-all's malformed item is an ARN cut short, so its id is that stub.
    if (c.scopeKind !== "tagged_resource") expect(skipped[0]?.itemId).toBe(bad?.resourceId);
    expect(skipped[0]?.reason).toMatch(c.malformedReason);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(1);
    expect(resourcesOf(events).some((r) => r.resourceId === bad?.resourceId)).toBe(false);
  });

  it("reports refused credentials as such, without a credential in the message", async () => {
    emu.faults.set({ rejectCredentials: true, match: `${c.listCall} 111111111111` });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }] }).streamResources({ kinds: [c.kind] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.length).toBe(2);
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]?.error.message).toMatch(c.refusedCode);
    expect(failed[0]?.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
  });
});

describe("the Tagging API catch-all beside the dedicated kinds", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 12, size: 1_200 });
  });
  afterAll(() => emu.close());

  it("reports no resource a dedicated kind reports, and every catch-all resource with its derived kind", async () => {
    const events = await collect(kindTestAdapter(emu).streamResources());
    expect(events.filter((e) => e.type === "scope_failed" || e.type === "item_skipped")).toEqual([]);
    const got = resourcesOf(events);
    const ids = got.map((r) => r.resourceId);
    expect(new Set(ids).size).toBe(ids.length);
    const catchAll = events.flatMap((e) => (e.type === "page" && e.scope.kind === "aws_tagged_resource" ? e.resources : []));
    expect(catchAll.length).toBeGreaterThan(0);
    expect(catchAll.every((r) => r.kind.startsWith("aws_"))).toBe(true);
    // Every category the schema has shows up once the breadth kinds and the catch-all are read.
    expect(new Set(got.map((r) => r.resourceType))).toEqual(new Set(["compute", "storage", "database", "network", "load_balancer", "cdn", "analytics"]));
  });
});
