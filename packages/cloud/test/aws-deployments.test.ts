import type { Stack } from "@aws-sdk/client-cloudformation";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inventoryIdOf, normalizeStack } from "../src/aws/deployments.ts";
import { createAwsAdapter } from "../src/aws/index.ts";
import type { DeploymentEvent, NormalizedDeployment } from "../src/deployments/types.ts";

const where = { account: "111111111111", region: "eu-west-1" };

describe("inventoryIdOf: CloudFormation physical ids → our resource ids", () => {
  it.each([
    ["an EC2 id is the id", "AWS::EC2::Instance", "i-0abc", "i-0abc"],
    ["a load balancer's physical id is already its ARN", "AWS::ElasticLoadBalancingV2::LoadBalancer", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1", "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1"],
    ["an RDS identifier becomes the DB ARN", "AWS::RDS::DBInstance", "shop-prod-db-1", "arn:aws:rds:eu-west-1:111111111111:db:shop-prod-db-1"],
    ["a function name becomes the function ARN", "AWS::Lambda::Function", "resize", "arn:aws:lambda:eu-west-1:111111111111:function:resize"],
    ["a table name becomes the table ARN", "AWS::DynamoDB::Table", "carts", "arn:aws:dynamodb:eu-west-1:111111111111:table/carts"],
    ["a bucket name is the bucket's id", "AWS::S3::Bucket", "photos", "photos"],
    ["a type without a rule keeps its physical id", "AWS::IAM::Role", "stack-Role-ABC", "stack-Role-ABC"],
  ])("%s", (_name, type, physical, expected) => expect(inventoryIdOf(type, physical, where)).toBe(expected));
});

describe("normalizeStack", () => {
  const stack: Stack = {
    StackId: "arn:aws:cloudformation:eu-west-1:111111111111:stack/shop/1",
    StackName: "shop",
    StackStatus: "UPDATE_ROLLBACK_COMPLETE",
    StackStatusReason: "resource failed",
    CreationTime: new Date("2024-01-02T03:04:05Z"),
    LastUpdatedTime: new Date("2024-02-02T03:04:05Z"),
    Parameters: [
      { ParameterKey: "Environment", ParameterValue: "prod" },
      { ParameterKey: "DbPassword", ParameterValue: "****" },
      { ParameterKey: "Ami", ParameterValue: "/aws/service/ami", ResolvedValue: "ami-123" },
    ],
    Tags: [{ Key: "env", Value: "prod" }],
    Description: "Web tier",
  };
  const summaries = [
    { LogicalResourceId: "Web", PhysicalResourceId: "i-0abc", ResourceType: "AWS::EC2::Instance", ResourceStatus: "CREATE_COMPLETE" as const, LastUpdatedTimestamp: new Date() },
    { LogicalResourceId: "Pending", ResourceType: "AWS::EC2::Volume", ResourceStatus: "CREATE_IN_PROGRESS" as const, LastUpdatedTimestamp: new Date() },
  ];
  const got = normalizeStack(stack, summaries, '{ "Resources": {} }', where);
  it("maps the status and keeps the cloud's word and reason", () => {
    expect([got.status, got.cloudStatus, got.statusReason]).toEqual(["rolled_back", "UPDATE_ROLLBACK_COMPLETE", "resource failed"]);
  });
  it("keeps parameters (resolved SSM values, masked NoEcho as masked) and tags", () => {
    expect(got.parameters).toEqual({ Environment: "prod", DbPassword: "****", Ami: "ami-123" });
    expect(got.tags).toEqual({ env: "prod" });
  });
  it("links only resources that have a physical id", () => expect(got.resources).toEqual([{ resourceId: "i-0abc", type: "AWS::EC2::Instance", logicalId: "Web" }]));
  it("hashes the template canonically", () => expect(got.template.contentHash).toBe(normalizeStack(stack, [], '{"Resources":{}}', where).template.contentHash));
  it("carries times as ISO instants", () => expect([got.createdAt, got.updatedAt]).toEqual(["2024-01-02T03:04:05.000Z", "2024-02-02T03:04:05.000Z"]));
});

describe("AWS CloudFormation stacks through the emulator", () => {
  let emu: AwsEmulator;
  const adapter = () =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [{ accountId: "111111111111" }, { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" }],
      endpoint: emu.endpoint,
      requestsPerSecond: 1000,
      maxAttempts: 2,
    });
  async function collect(): Promise<DeploymentEvent[]> {
    const events: DeploymentEvent[] = [];
    for await (const e of adapter().streamDeployments()) events.push(e);
    return events;
  }
  const deploymentsOf = (events: DeploymentEvent[]): NormalizedDeployment[] => events.flatMap((e) => (e.type === "deployment_page" ? e.deployments : []));

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 7, size: 300 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("reads every stack of every account and region, across DescribeStacks and ListStackResources pages", async () => {
    const events = await collect();
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const got = new Map(deploymentsOf(events).map((d) => [d.deploymentId, d]));
    const expected = emu.expectedStacks().filter((s) => s.account !== "333333333333");
    expect(expected.length).toBeGreaterThan(4);
    expect(got.size).toBe(expected.length);
    for (const s of expected) {
      const d = got.get(s.stackId);
      expect(d, s.stackId).toBeDefined();
      expect([d?.name, d?.cloudStatus, d?.regionCode, d?.account]).toEqual([s.stackName, s.status, s.region, s.account]);
      expect(d?.tags).toEqual(s.tags);
      expect(d?.parameters).toEqual(s.parameters);
      // Every estate member by the id its resource reader reports, plus the ones no reader reports.
      const ids = d?.resources.map((r) => r.resourceId) ?? [];
      expect(ids.slice(0, s.resourceIds.length)).toEqual(s.resourceIds);
      expect(ids.length).toBe(s.resourceIds.length + s.notInventoried);
      expect(d?.template.format).toBe("cloudformation");
    }
    // Stacks of one template share its hash; the two templates differ.
    const hashes = new Map<string, Set<string>>();
    for (const s of expected) hashes.set(s.templateName, (hashes.get(s.templateName) ?? new Set()).add(got.get(s.stackId)?.template.contentHash ?? ""));
    expect([...hashes.values()].map((h) => h.size)).toEqual([...hashes.values()].map(() => 1));
    expect(new Set([...hashes.values()].flatMap((h) => [...h])).size).toBe(hashes.size);
  });

  it("fails only the scope whose calls keep failing, saying what to do", async () => {
    emu.faults.set({ serverErrors: 10, match: "cloudformation:DescribeStacks 222222222222/eu-west-1" });
    const events = await collect();
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(failed.map((e) => `${e.scope.account}/${e.scope.region}/${e.scope.kind}`)).toEqual(["222222222222/eu-west-1/deployments"]);
    expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/DescribeStacks/);
    expect(events.filter((e) => e.type === "scope_completed").length).toBeGreaterThan(4);
  });
});
