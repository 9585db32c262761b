import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { createAwsAdapter } from "../src/aws/index.ts";
import { collect, resourcesOf } from "./aws-kind-harness.ts";

/** Security groups, NAT gateways and Elastic IPs through the EC2 client against the emulator. */

describe("EC2 network kinds against the emulator", () => {
  let emu: AwsEmulator;
  const adapterFor = (pageSize: number) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [{ accountId: "111111111111" }],
      endpoint: emu.endpoint,
      regions: ["us-east-1"],
      pageSize,
      requestsPerSecond: 1000,
      maxAttempts: 2,
    });
  const expectedOf = (kind: string) => [...emu.expected()].filter((x) => x.scopeKind === kind && x.account === "111111111111" && x.region === "us-east-1");

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 12, size: 2000 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it.each([
    ["security_group", "ec2:DescribeSecurityGroups"],
    ["nat_gateway", "ec2:DescribeNatGateways"],
    ["elastic_ip", "ec2:DescribeAddresses"],
  ])("%s: every item as the emulator expects, in pages no larger than asked, one malformed item skipped", async (kind, action) => {
    const want = expectedOf(kind);
    expect(want.length).toBeGreaterThan(5);
    const bad = want[1];
    emu.faults.set({ malformedItemIds: [bad?.resourceId ?? ""] });
    const before = emu.requests.get(action) ?? 0;
    const events = await collect(adapterFor(5).streamResources({ kinds: [kind] }));
    const calls = (emu.requests.get(action) ?? 0) - before;

    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const skipped = events.flatMap((e) => (e.type === "item_skipped" ? [e] : []));
    expect(skipped.length).toBe(1);
    // The emulator serves a malformed NAT gateway without its state, a group or an address without its id.
    expect(skipped[0]?.reason).toMatch(kind === "nat_gateway" ? /unknown NAT gateway state/ : /without/);
    for (const e of events) if (e.type === "page") expect(e.resources.length).toBeLessThanOrEqual(5);

    const got = new Map(resourcesOf(events).map((r) => [r.resourceId, r]));
    const good = want.filter((x) => x.resourceId !== bad?.resourceId);
    expect(got.size).toBe(good.length);
    for (const x of good) {
      expect({ kind: got.get(x.resourceId)?.kind, name: got.get(x.resourceId)?.name, status: got.get(x.resourceId)?.status, tags: got.get(x.resourceId)?.tags }).toEqual({
        kind,
        name: x.name,
        status: x.status,
        tags: x.tags,
      });
    }
    // DescribeAddresses has no paging: one call however many addresses; the others page by NextToken.
    if (kind === "elastic_ip") expect(calls).toBe(1);
    else expect(calls).toBe(Math.ceil(want.length / 5));
  });
});
