import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { type InventoryEvent, type NormalizedResource, scopeKey } from "../src/types.ts";

/** The emulator's three accounts: the base key's own, one role, one role with an ExternalId. */
function accountsOf(emu: AwsEmulator): AwsAdapterConfig["accounts"] {
  return [
    { accountId: "111111111111" },
    { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
    { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/cloudsync-reader", externalId: "cloudsync-ext-333" },
  ].filter((a) => emu.accounts.some((e) => e.accountId === a.accountId));
}

function adapterFor(emu: AwsEmulator, overrides: Partial<AwsAdapterConfig> = {}) {
  return createAwsAdapter({
    credentials: emu.baseCredentials,
    accounts: accountsOf(emu),
    endpoint: emu.endpoint,
    pageSize: 7,
    requestsPerSecond: 1000,
    ...overrides,
  });
}

async function collect(stream: AsyncIterable<InventoryEvent>): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

const resourcesOf = (events: InventoryEvent[]): NormalizedResource[] =>
  events.flatMap((e) => (e.type === "page" ? e.resources : []));

describe("AWS adapter against the emulator", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 42, size: 400 });
  });
  afterAll(() => emu.close());

  it("streams every resource exactly once, normalized as the emulator expects, and completes every scope", async () => {
    const events = await collect(adapterFor(emu).streamResources());
    const resources = resourcesOf(events);
    const expected = [...emu.expected()];
    expect(expected.length).toBe(400);

    const ids = resources.map((r) => r.resourceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(expected.length);

    const byId = new Map(resources.map((r) => [r.resourceId, r]));
    for (const want of expected) {
      const got = byId.get(want.resourceId);
      expect(got, want.resourceId).toBeDefined();
      expect({
        account: got?.account,
        region: got?.regionCode,
        kind: got?.kind,
        name: got?.name,
        status: got?.status,
        tags: got?.tags,
      }).toEqual({ account: want.account, region: want.region, kind: want.kind, name: want.name, status: want.status, tags: want.tags });
    }

    // Every page is one API page: never bigger than the API's page size (7, or the minimum of 20 of RDS, ElastiCache and Redshift).
    const min20 = new Set(["rds_instance", "elasticache_cluster", "redshift_cluster"]);
    for (const e of events) if (e.type === "page") expect(e.resources.length).toBeLessThanOrEqual(min20.has(e.scope.kind) ? 20 : 7);
    expect(events.some((e) => e.type === "item_skipped" || e.type === "scope_failed")).toBe(false);

    // 3 accounts × (19 regional kinds × 4 regions + 2 global kinds) = 234 scopes, each completed once.
    const completed = events.filter((e) => e.type === "scope_completed");
    expect(completed.length).toBe(234);
    expect(new Set(completed.map((e) => scopeKey(e.scope))).size).toBe(234);
    // A scope's completion comes after all its pages, and its count matches them.
    for (const c of completed) {
      if (c.type !== "scope_completed") continue;
      const at = events.indexOf(c);
      const pages = events.filter((e) => e.type === "page" && scopeKey(e.scope) === scopeKey(c.scope));
      expect(pages.every((p) => events.indexOf(p) < at)).toBe(true);
      expect(pages.reduce((n, p) => n + (p.type === "page" ? p.resources.length : 0), 0)).toBe(c.resourceCount);
    }
  });

  it("reads each account as its own scopes, through AssumeRole where configured", async () => {
    const before = emu.requests.get("sts:AssumeRole") ?? 0;
    const adapter = adapterFor(emu);
    expect(adapter.accounts).toEqual(["111111111111", "222222222222", "333333333333"]);
    const events = await collect(adapter.streamResources({ kinds: ["vpc", "s3_bucket"] }));
    const accounts = new Set(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account));
    expect(accounts).toEqual(new Set(["111111111111", "222222222222", "333333333333"]));
    // Two role accounts, one AssumeRole each however many scopes share the credentials.
    expect((emu.requests.get("sts:AssumeRole") ?? 0) - before).toBe(2);

    const buckets = resourcesOf(events).filter((r) => r.kind === "s3_bucket");
    const expectedBuckets = [...emu.expected()].filter((x) => x.scopeKind === "s3_bucket");
    expect(buckets.length).toBe(expectedBuckets.length);
    for (const e of events) if (e.type !== "page" && e.scope.kind === "s3_bucket") expect(e.scope.region).toBe("global");
  });

  it("reads only the asked kinds and regions, with engine-specific RDS kinds under the rds_instance scope", async () => {
    const events = await collect(adapterFor(emu, { regions: ["us-east-1"] }).streamResources({ kinds: ["rds_postgres"] }));
    const scopes = events.filter((e) => e.type === "scope_completed").map((e) => e.scope);
    expect(scopes.every((s) => s.kind === "rds_instance" && s.region === "us-east-1")).toBe(true);
    expect(scopes.length).toBe(3);
    const dbs = resourcesOf(events);
    const expected = [...emu.expected()].filter((x) => x.scopeKind === "rds_instance" && x.region === "us-east-1");
    expect(dbs.map((d) => d.resourceId).sort()).toEqual(expected.map((x) => x.resourceId).sort());
    expect(dbs.every((d) => d.kind.startsWith("rds_") && d.kind !== "rds_instance" && d.resourceType === "database")).toBe(true);
  });

  it("rejects kinds it does not know, naming the known ones", async () => {
    await expect(collect(adapterFor(emu).streamResources({ kinds: ["quantum_annealer"] }))).rejects.toThrow(/ec2_instance/);
  });

  it("lists regions from DescribeRegions merged with the catalog", async () => {
    const regions = await adapterFor(emu).listRegions();
    expect(regions.map((r) => r.code)).toEqual(["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]);
    expect(regions[0]).toMatchObject({ cloud: "aws", name: "US East (N. Virginia)", geographicLocation: { country: "United States" } });
  });
});

describe("AWS adapter after the estate changes", () => {
  it("no longer yields a removed resource, shows new tags after a retag, and picks up an added one", async () => {
    const emu = await startAwsEmulator({ seed: 7, size: 150 });
    try {
      const adapter = adapterFor(emu);
      const first = resourcesOf(await collect(adapter.streamResources({ kinds: ["ec2_instance", "ebs_volume", "elb_load_balancer"] })));
      const instance = first.find((r) => r.kind === "ec2_instance") as NormalizedResource;
      const volume = first.find((r) => r.kind === "ebs_volume") as NormalizedResource;
      const lb = first.find((r) => r.kind === "elb_load_balancer") as NormalizedResource;

      expect(emu.mutate.remove(instance.resourceId)).toBe(true);
      expect(emu.mutate.retag(volume.resourceId, { Name: "renamed", owner: "team-x" })).toBe(true);
      expect(emu.mutate.retag(lb.resourceId, { cost: "42" })).toBe(true);
      const added = emu.mutate.add({ account: "222222222222", kind: "ec2_instance", region: "eu-west-1", tags: { Name: "new-one" }, state: "pending" });

      const second = resourcesOf(await collect(adapter.streamResources({ kinds: ["ec2_instance", "ebs_volume", "elb_load_balancer"] })));
      const byId = new Map(second.map((r) => [r.resourceId, r]));
      expect(byId.has(instance.resourceId)).toBe(false);
      expect(byId.get(volume.resourceId)?.tags).toEqual({ Name: "renamed", owner: "team-x" });
      expect(byId.get(volume.resourceId)?.name).toBe("renamed");
      expect(byId.get(lb.resourceId)?.tags).toEqual({ cost: "42" });
      expect(byId.get(added.resourceId)).toMatchObject({ account: "222222222222", regionCode: "eu-west-1", name: "new-one", status: "provisioning" });
      expect(second.length).toBe(first.length);
    } finally {
      await emu.close();
    }
  });
});

describe("AWS adapter on a large estate", () => {
  // Twenty kinds and the Tagging API catch-all over the real SDK clients: a timeout generous for a loaded machine.
  it("streams 50,000 resources with pages no larger than pageSize and at most `concurrency` pages fetched ahead", async () => {
    const emu = await startAwsEmulator({ seed: 5, size: 50_000 });
    try {
      const pageSize = 200;
      const concurrency = 4;
      const adapter = adapterFor(emu, { pageSize, concurrency });
      const listActions = [
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "elasticloadbalancing:DescribeLoadBalancers",
        "rds:DescribeDBInstances",
        "s3:ListBuckets",
        "lambda:ListFunctions",
        "dynamodb:ListTables",
        "cloudfront:ListDistributions",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNatGateways",
        "ec2:DescribeAddresses",
        "eks:ListClusters",
        "ecs:ListClusters",
        "autoscaling:DescribeAutoScalingGroups",
        "elasticache:DescribeCacheClusters",
        "elasticfilesystem:DescribeFileSystems",
        "redshift:DescribeClusters",
        "tagging:GetResources",
      ];
      const listRequests = () => listActions.reduce((n, a) => n + (emu.requests.get(a) ?? 0), 0);

      let total = 0;
      let largestPage = 0;
      let consumed = 0;
      let mostAhead = 0;
      const seen = new Set<string>();
      for await (const e of adapter.streamResources()) {
        // Each list request ends as one page, or as an empty scope's completion.
        if (e.type === "page" || (e.type === "scope_completed" && e.resourceCount === 0)) consumed += 1;
        if (e.type === "page") {
          largestPage = Math.max(largestPage, e.resources.length);
          total += e.resources.length;
          for (const r of e.resources) seen.add(r.resourceId);
        }
        expect(e.type).not.toBe("scope_failed");
        mostAhead = Math.max(mostAhead, listRequests() - consumed);
        // A slow consumer: give the producers every chance to run ahead.
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(total).toBe(50_000);
      expect(seen.size).toBe(50_000);
      expect(largestPage).toBeLessThanOrEqual(pageSize);
      expect(mostAhead).toBeLessThanOrEqual(concurrency);
    } finally {
      await emu.close();
    }
  }, 240_000);
});
