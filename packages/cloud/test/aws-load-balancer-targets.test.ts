import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsRecommendationFacts } from "../src/aws/recommendation-facts.ts";
import { createAwsAdapter } from "../src/aws/index.ts";
import { collect, resourcesOf } from "./aws-kind-harness.ts";

describe("elb_load_balancer targets (DescribeTargetGroups + DescribeTargetHealth)", () => {
  it.each([
    ["healthy targets serve", { targetGroups: 1, registered: 3, byState: { healthy: 2, unhealthy: 1 } }, 2],
    ["registering and health-check-less targets serve too", { targetGroups: 2, registered: 2, byState: { initial: 1, unavailable: 1 } }, 2],
    ["only unhealthy, draining and unused targets: none serves", { targetGroups: 1, registered: 3, byState: { unhealthy: 1, draining: 1, unused: 1 } }, 0],
    ["no target group at all", { targetGroups: 0, registered: 0, byState: {} }, 0],
    ["targets not read", undefined, undefined],
  ])("%s", (_name, summary, expected) => {
    const facts = awsRecommendationFacts("elb_load_balancer", summary ? { TargetHealthSummary: summary } : {}, {});
    expect(facts).toEqual({ role: "load_balancer", targetCount: expected });
  });

  describe("against the emulator", () => {
    let emu: AwsEmulator;
    beforeAll(async () => {
      emu = await startAwsEmulator({ seed: 31, size: 1500 });
    });
    afterAll(() => emu.close());

    it("counts each load balancer's serving targets as the emulator registered them, one DescribeTargetGroups walk per region", async () => {
      const adapter = createAwsAdapter({
        credentials: emu.baseCredentials,
        accounts: [{ accountId: "111111111111" }],
        endpoint: emu.endpoint,
        regions: ["us-east-1"],
        pageSize: 5,
        requestsPerSecond: 1000,
        maxAttempts: 2,
      });
      const groupsBefore = emu.requests.get("elasticloadbalancing:DescribeTargetGroups") ?? 0;
      const healthBefore = emu.requests.get("elasticloadbalancing:DescribeTargetHealth") ?? 0;
      const lbs = resourcesOf(await collect(adapter.streamResources({ kinds: ["elb_load_balancer"] })));
      expect(lbs.length).toBeGreaterThan(3);
      const counts = lbs.map((lb) => awsRecommendationFacts(lb.kind, lb.configuration, lb.tags).targetCount);
      expect(counts).toEqual(lbs.map((lb) => emu.expectedServingTargets(lb.resourceId)));
      // Idle and serving load balancers both occur, so the rule has something to tell apart.
      expect(counts).toContain(0);
      expect(counts.some((n) => (n ?? 0) > 0)).toBe(true);
      expect((emu.requests.get("elasticloadbalancing:DescribeTargetGroups") ?? 0) - groupsBefore).toBe(1);
      expect((emu.requests.get("elasticloadbalancing:DescribeTargetHealth") ?? 0) - healthBefore).toBe(lbs.length);
    });
  });
});
