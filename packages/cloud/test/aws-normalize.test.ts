import type { Instance } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { type CloudFrontDistributionDetail, cloudFrontStatus, normalizeCloudFrontDistribution } from "../src/aws/kinds/cloudfront-distribution.ts";
import { type DynamoDbTableDetail, dynamoDbSizeCategory, dynamoDbTableStatus, normalizeDynamoDbTable } from "../src/aws/kinds/dynamodb-table.ts";
import { normalizeEbsVolume } from "../src/aws/kinds/ebs-volume.ts";
import { normalizeEc2Instance } from "../src/aws/kinds/ec2-instance.ts";
import { normalizeElasticIp } from "../src/aws/kinds/elastic-ip.ts";
import { clampPageSize } from "../src/aws/kinds/kind.ts";
import { type LambdaFunctionDetail, lambdaFunctionStatus, lambdaSizeCategory, normalizeLambdaFunction } from "../src/aws/kinds/lambda-function.ts";
import { normalizeLoadBalancer } from "../src/aws/kinds/load-balancer.ts";
import { natGatewayStatus, normalizeNatGateway } from "../src/aws/kinds/nat-gateway.ts";
import { normalizeDbInstance } from "../src/aws/kinds/rds-instance.ts";
import { normalizeBucket } from "../src/aws/kinds/s3-bucket.ts";
import { normalizeSecurityGroup } from "../src/aws/kinds/security-group.ts";
import { normalizeSubnet } from "../src/aws/kinds/subnet.ts";
import { normalizeVpc } from "../src/aws/kinds/vpc.ts";
import {
  bucketRegionFromLocation,
  displayName,
  ebsVolumeStatus,
  ec2InstanceStatus,
  loadBalancerStatus,
  lookupStatus,
  networkStatus,
  rdsKindOf,
  rdsStatus,
  sizeCategoryOf,
  tagsToRecord,
  toJsonSafe,
  volumeSizeCategory,
  zoneToRegion,
} from "../src/aws/normalize.ts";
import { awsRegionCatalog, mergeRegions } from "../src/aws/regions.ts";
import { type NormalizedResource, resourceStatuses, sizeCategories } from "../src/types.ts";

const where = { account: "111111111111", region: "us-east-1" };

describe("EC2 instance states", () => {
  it.each([
    ["pending", "provisioning"],
    ["running", "running"],
    ["stopping", "stopping"],
    ["stopped", "stopped"],
    ["shutting-down", "stopping"],
    ["terminated", "terminated"],
    ["rebooting", undefined],
    ["", undefined],
    [undefined, undefined],
    ["toString", undefined],
  ])("%s → %s", (raw, status) => {
    expect(lookupStatus(ec2InstanceStatus, raw)).toBe(status);
  });
});

describe("EBS volume states", () => {
  it.each([
    ["creating", "provisioning"],
    ["available", "stopped"],
    ["in-use", "running"],
    ["deleting", "stopping"],
    ["deleted", "terminated"],
    ["error", "error"],
    ["optimizing", undefined],
  ])("%s → %s", (raw, status) => {
    expect(lookupStatus(ebsVolumeStatus, raw)).toBe(status);
  });
});

describe("VPC and subnet states", () => {
  it.each([
    ["pending", "provisioning"],
    ["available", "running"],
    ["deleting", undefined],
  ])("%s → %s", (raw, status) => {
    expect(lookupStatus(networkStatus, raw)).toBe(status);
  });
});

describe("load balancer states", () => {
  it.each([
    ["active", "running"],
    ["provisioning", "provisioning"],
    ["active_impaired", "error"],
    ["failed", "error"],
    ["ACTIVE", undefined],
  ])("%s → %s", (raw, status) => {
    expect(lookupStatus(loadBalancerStatus, raw)).toBe(status);
  });
});

describe("RDS statuses", () => {
  it.each([
    ["available", "running"],
    ["creating", "provisioning"],
    ["starting", "starting"],
    ["rebooting", "starting"],
    ["stopping", "stopping"],
    ["stopped", "stopped"],
    ["deleting", "stopping"],
    ["failed", "error"],
    ["storage-full", "error"],
    ["incompatible-parameters", "error"],
    ["incompatible-network", "error"],
    ["inaccessible-encryption-credentials", "error"],
    ["backing-up", "running"],
    ["modifying", "running"],
    ["configuring-enhanced-monitoring", "running"],
    ["upgrading", "running"],
    ["teleporting", undefined],
    [undefined, undefined],
  ])("%s → %s", (raw, status) => {
    expect(rdsStatus(raw)).toBe(status);
  });

  it("only ever answers with the seed's statuses", () => {
    const all = [ec2InstanceStatus, ebsVolumeStatus, networkStatus, loadBalancerStatus].flatMap((t) => Object.values(t));
    for (const s of all) expect(resourceStatuses).toContain(s);
  });
});

describe("instance classes → size category", () => {
  it.each([
    ["t3.nano", "nano"],
    ["t3.micro", "micro"],
    ["t4g.micro", "micro"],
    ["t3.small", "small"],
    ["t3.medium", "medium"],
    ["m5.large", "large"],
    ["m5.xlarge", "xlarge"],
    ["c5.4xlarge", "xlarge"],
    ["m7i.48xlarge", "xlarge"],
    ["u-6tb1.112xlarge", "xlarge"],
    ["mac1.metal", "custom"],
    ["m7i.metal-24xl", "custom"],
    ["db.t3.micro", "micro"],
    ["db.r6g.xlarge", "xlarge"],
    ["db.m5.large", "large"],
    ["db.serverless", "custom"],
    ["weird", "custom"],
    ["", "custom"],
    [undefined, "custom"],
  ])("%s → %s", (type, category) => {
    expect(sizeCategoryOf(type)).toBe(category);
    expect(sizeCategories).toContain(category);
  });
});

describe("volume sizes → size category", () => {
  it.each([
    [1, "nano"],
    [8, "nano"],
    [20, "micro"],
    [100, "small"],
    [500, "medium"],
    [1000, "large"],
    [16384, "xlarge"],
    [undefined, "custom"],
  ])("%s GiB → %s", (size, category) => {
    expect(volumeSizeCategory(size)).toBe(category);
  });
});

describe("tags", () => {
  it.each([
    [undefined, {}],
    [[], {}],
    [[{ Key: "Name", Value: "web-1" }], { Name: "web-1" }],
    [[{ Key: "empty", Value: "" }], { empty: "" }],
    [[{ Key: "no-value" }], { "no-value": "" }],
    [[{ Value: "no key" }], {}],
    [[{ Key: "aws:cloudformation:stack-name", Value: "s" }], { "aws:cloudformation:stack-name": "s" }],
    [[{ Key: "owner", Value: "R&D <core>" }, { Key: "café", Value: "☕" }], { owner: "R&D <core>", café: "☕" }],
  ])("%j → %j", (tags, record) => {
    expect(tagsToRecord(tags)).toEqual(record);
  });

  it.each([
    [{ Name: "web" }, ["i-1"], "web"],
    [{ Name: "  " }, ["i-1"], "i-1"],
    [{}, [undefined, "arn:x"], "arn:x"],
    [{}, ["db-name", "arn:x"], "db-name"],
  ])("name from %j with fallbacks %j → %s", (tags, fallbacks, name) => {
    expect(displayName(tags as Record<string, string>, ...fallbacks)).toBe(name);
  });
});

describe("zones → regions", () => {
  it.each([
    ["us-east-1a", "us-east-1"],
    ["eu-central-1c", "eu-central-1"],
    ["ap-southeast-2b", "ap-southeast-2"],
    ["us-east-1-bos-1a", "us-east-1"],
    ["us-east-1-wl1-bos-wlz-1", "us-east-1"],
    ["us-gov-west-1a", "us-gov-west-1"],
    ["cn-north-1a", "cn-north-1"],
    ["somewhere", "somewhere"],
  ])("%s → %s", (zone, region) => {
    expect(zoneToRegion(zone)).toBe(region);
  });

  it.each([
    [undefined, "us-east-1"],
    ["", "us-east-1"],
    ["EU", "eu-west-1"],
    ["eu-west-1", "eu-west-1"],
    ["ap-southeast-2", "ap-southeast-2"],
  ])("bucket LocationConstraint %j → %s", (constraint, region) => {
    expect(bucketRegionFromLocation(constraint)).toBe(region);
  });
});

describe("RDS engines → kind", () => {
  it.each([
    ["postgres", "rds_postgres"],
    ["mysql", "rds_mysql"],
    ["mariadb", "rds_mariadb"],
    ["aurora-postgresql", "rds_aurora_postgresql"],
    ["aurora-mysql", "rds_aurora_mysql"],
    ["aurora", "rds_aurora_mysql"],
    ["oracle-ee", "rds_oracle"],
    ["oracle-se2-cdb", "rds_oracle"],
    ["sqlserver-se", "rds_sqlserver"],
    ["custom-sqlserver-ee", "rds_sqlserver"],
    ["db2-se", "rds_db2"],
  ])("%s → %s", (engine, kind) => {
    expect(rdsKindOf(engine)).toBe(kind);
  });
});

describe("page sizes", () => {
  it.each([
    [undefined, 5, 1000, 1000],
    [7, 5, 1000, 7],
    [2, 5, 1000, 5],
    [7, 20, 100, 20],
    [5000, 5, 500, 500],
  ])("asked %s within [%s, %s] → %s", (asked, min, max, size) => {
    expect(clampPageSize(asked, min, max)).toBe(size);
  });
});

describe("configuration is JSON-safe", () => {
  it("turns dates into ISO strings and drops undefined members", () => {
    const raw = { LaunchTime: new Date("2024-01-02T03:04:05Z"), Missing: undefined, List: [1, undefined], Bytes: new Uint8Array([1, 2]) };
    const safe = toJsonSafe(raw);
    expect(safe).toEqual({ LaunchTime: "2024-01-02T03:04:05.000Z", List: [1, null], Bytes: "AQI=" });
    expect(JSON.parse(JSON.stringify(safe))).toEqual(safe);
  });
});

describe("kind normalizers", () => {
  it("normalizes an EC2 instance", () => {
    const r = normalizeEc2Instance(
      {
        InstanceId: "i-0abc",
        State: { Name: "running", Code: 16 },
        InstanceType: "t3.micro",
        Placement: { AvailabilityZone: "us-east-1b" },
        LaunchTime: new Date("2023-05-06T07:08:09Z"),
        Tags: [{ Key: "Name", Value: "web-1" }, { Key: "env", Value: "prod" }],
      },
      where,
    );
    expect(r).toMatchObject({
      cloud: "aws",
      account: "111111111111",
      regionCode: "us-east-1",
      kind: "ec2_instance",
      resourceId: "i-0abc",
      name: "web-1",
      resourceType: "compute",
      status: "running",
      sizeCategory: "micro",
      tags: { Name: "web-1", env: "prod" },
      providerCreatedAt: "2023-05-06T07:08:09.000Z",
    });
    expect(r.configuration.LaunchTime).toBe("2023-05-06T07:08:09.000Z");
  });

  it.each([
    ["no id", { State: { Name: "running" } }, null],
    ["no state", { InstanceId: "i-1" }, "i-1"],
    ["unknown state", { InstanceId: "i-2", State: { Name: "hibernating-ish" } }, "i-2"],
  ])("skips an instance with %s", (_, raw, itemId) => {
    let thrown: unknown;
    try {
      normalizeEc2Instance(raw as Instance, where);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedItemError);
    expect((thrown as MalformedItemError).itemId).toBe(itemId);
  });

  it("normalizes the other kinds", () => {
    expect(normalizeEbsVolume({ VolumeId: "vol-1", State: "available", Size: 100, AvailabilityZone: "eu-west-1a" }, where)).toMatchObject({
      kind: "ebs_volume",
      resourceType: "storage",
      status: "stopped",
      sizeCategory: "small",
      regionCode: "eu-west-1",
      name: "vol-1",
    });
    expect(normalizeVpc({ VpcId: "vpc-1", State: "available", Tags: [{ Key: "Name", Value: "main" }] }, where)).toMatchObject({
      kind: "vpc",
      resourceType: "network",
      status: "running",
      name: "main",
    });
    expect(normalizeSubnet({ SubnetId: "subnet-1", State: "pending", AvailabilityZone: "us-east-1c" }, where)).toMatchObject({
      kind: "subnet",
      status: "provisioning",
    });
    expect(
      normalizeLoadBalancer(
        { LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1", LoadBalancerName: "web", State: { Code: "active_impaired" }, Type: "application" },
        where,
      ),
    ).toMatchObject({ kind: "elb_load_balancer", resourceType: "load_balancer", status: "error", name: "web" });
    expect(
      normalizeDbInstance(
        { DBInstanceArn: "arn:aws:rds:us-east-1:1:db:orders", DBInstanceIdentifier: "orders", Engine: "aurora-postgresql", DBInstanceStatus: "available", DBInstanceClass: "db.r6g.large" },
        where,
      ),
    ).toMatchObject({ kind: "rds_aurora_postgresql", resourceType: "database", status: "running", sizeCategory: "large", name: "orders" });
    expect(normalizeBucket({ Name: "logs", BucketRegion: "eu-west-1", CreationDate: new Date("2020-01-01T00:00:00Z") }, { ...where, region: "global" })).toMatchObject({
      kind: "s3_bucket",
      resourceType: "storage",
      regionCode: "eu-west-1",
      status: "running",
      resourceId: "logs",
    });
    expect(() => normalizeBucket({ Name: "gone", LocationError: "NoSuchBucket" }, where)).toThrow(/NoSuchBucket/);
  });
});

describe("Lambda functions", () => {
  const arn = "arn:aws:lambda:us-east-1:111111111111:function:orders-api";
  const fn = (over: Partial<LambdaFunctionDetail["Configuration"]> = {}, rest: Partial<LambdaFunctionDetail> = {}): LambdaFunctionDetail => ({
    Configuration: { FunctionName: "orders-api", FunctionArn: arn, State: "Active", MemorySize: 512, LastModified: "2024-03-01T10:00:00.000+0000", ...over },
    ...rest,
  });

  it.each([
    ["Pending", "provisioning"],
    ["Active", "running"],
    ["Inactive", "stopped"],
    ["Failed", "error"],
    ["active", undefined],
    ["Deleting", undefined],
    [undefined, undefined],
  ])("state %s → %s", (raw, status) => {
    expect(lookupStatus(lambdaFunctionStatus, raw)).toBe(status);
  });

  it.each([
    [128, "nano"],
    [129, "micro"],
    [512, "micro"],
    [1024, "small"],
    [1769, "medium"],
    [2048, "medium"],
    [3008, "large"],
    [4096, "large"],
    [10240, "xlarge"],
    [0, "custom"],
    [undefined, "custom"],
  ])("memory %s MB → %s", (memory, size) => {
    expect(lambdaSizeCategory(memory)).toBe(size);
  });

  it.each<[string, LambdaFunctionDetail, Partial<NormalizedResource> | RegExp]>([
    [
      "an active function, named by its FunctionName",
      fn({}, { Tags: { env: "prod", "wedding-critical": "true" } }),
      {
        kind: "lambda_function",
        resourceType: "compute",
        resourceId: arn,
        name: "orders-api",
        status: "running",
        sizeCategory: "micro",
        tags: { env: "prod", "wedding-critical": "true" },
        providerCreatedAt: "2024-03-01T10:00:00.000Z",
      },
    ],
    ["a Name tag wins over the function name", fn({}, { Tags: { Name: "Orders API" } }), { name: "Orders API" }],
    ["no tags at all", fn({ State: "Inactive" }), { tags: {}, status: "stopped" }],
    ["no FunctionArn", fn({ FunctionArn: undefined }), /without FunctionArn/],
    ["no State (a ListFunctions entry, never a GetFunction one)", fn({ State: undefined }), /unknown function state null/],
    ["GetFunction said it is gone", fn({}, { DetailError: "ResourceNotFoundException" }), /ResourceNotFoundException/],
  ])("%s", (_, raw, want) => {
    if (want instanceof RegExp) {
      expect(() => normalizeLambdaFunction(raw, where)).toThrow(MalformedItemError);
      expect(() => normalizeLambdaFunction(raw, where)).toThrow(want);
    } else {
      expect(normalizeLambdaFunction(raw, where)).toMatchObject({ cloud: "aws", account: where.account, regionCode: "us-east-1", ...want });
    }
  });
});

describe("DynamoDB tables", () => {
  const arn = "arn:aws:dynamodb:us-east-1:111111111111:table/orders";
  const table = (over: Partial<DynamoDbTableDetail["Table"]> = {}, rest: Partial<DynamoDbTableDetail> = {}): DynamoDbTableDetail => ({
    Table: { TableName: "orders", TableArn: arn, TableStatus: "ACTIVE", TableSizeBytes: 48_000_000, CreationDateTime: new Date("2021-05-04T03:02:01Z"), ...over },
    ...rest,
  });

  it.each([
    ["CREATING", "provisioning"],
    ["UPDATING", "running"],
    ["ACTIVE", "running"],
    ["DELETING", "stopping"],
    ["INACCESSIBLE_ENCRYPTION_CREDENTIALS", "error"],
    ["ARCHIVING", "stopping"],
    ["ARCHIVED", "stopped"],
    ["active", undefined],
    [undefined, undefined],
  ])("status %s → %s", (raw, status) => {
    expect(lookupStatus(dynamoDbTableStatus, raw)).toBe(status);
  });

  it.each([
    [0, "nano"],
    [100_000_000, "nano"],
    [100_000_001, "micro"],
    [1_000_000_000, "micro"],
    [6_400_000_000, "small"],
    [85_000_000_000, "medium"],
    [412_000_000_000, "large"],
    [3_100_000_000_000, "xlarge"],
    [-1, "custom"],
    [undefined, "custom"],
  ])("%s bytes → %s", (bytes, size) => {
    expect(dynamoDbSizeCategory(bytes)).toBe(size);
  });

  it.each<[string, DynamoDbTableDetail, Partial<NormalizedResource> | RegExp]>([
    [
      "an active table, named by its TableName",
      table({}, { Tags: [{ Key: "env", Value: "prod" }, { Key: "wedding-critical", Value: "true" }] }),
      {
        kind: "dynamodb_table",
        resourceType: "database",
        resourceId: arn,
        name: "orders",
        status: "running",
        sizeCategory: "nano",
        tags: { env: "prod", "wedding-critical": "true" },
        providerCreatedAt: "2021-05-04T03:02:01.000Z",
      },
    ],
    ["a Name tag wins over the table name", table({}, { Tags: [{ Key: "Name", Value: "Orders" }] }), { name: "Orders" }],
    ["an archived table without tags", table({ TableStatus: "ARCHIVED" }), { tags: {}, status: "stopped" }],
    ["no TableArn", table({ TableArn: undefined }), /without TableArn/],
    ["no TableStatus", table({ TableStatus: undefined }), /unknown table status null/],
    ["gone before DescribeTable", { Table: { TableName: "orders" }, DetailError: "ResourceNotFoundException" }, /ResourceNotFoundException/],
  ])("%s", (_, raw, want) => {
    if (want instanceof RegExp) {
      expect(() => normalizeDynamoDbTable(raw, where)).toThrow(MalformedItemError);
      expect(() => normalizeDynamoDbTable(raw, where)).toThrow(want);
    } else {
      expect(normalizeDynamoDbTable(raw, where)).toMatchObject({ cloud: "aws", account: where.account, regionCode: "us-east-1", ...want });
    }
  });
});

describe("CloudFront distributions", () => {
  const arn = "arn:aws:cloudfront::111111111111:distribution/E2QWRUHEXAMPLE";
  const global = { account: "111111111111", region: "global" };
  const dist = (over: Partial<CloudFrontDistributionDetail["Summary"]> = {}, rest: Partial<CloudFrontDistributionDetail> = {}): CloudFrontDistributionDetail => ({
    Summary: {
      Id: "E2QWRUHEXAMPLE",
      ARN: arn,
      Status: "Deployed",
      Enabled: true,
      DomainName: "d111111abcdef8.cloudfront.net",
      Comment: "shop",
      LastModifiedTime: new Date("2024-01-02T03:04:05Z"),
      ...over,
    } as CloudFrontDistributionDetail["Summary"],
    ...rest,
  });

  it.each([
    ["Deployed", true, "running"],
    ["InProgress", true, "provisioning"],
    ["Deployed", false, "stopped"],
    ["InProgress", false, "stopped"],
    ["Deployed", undefined, "running"],
    ["deployed", true, undefined],
    [undefined, false, undefined],
  ])("status %s, enabled %s → %s", (status, enabled, want) => {
    expect(cloudFrontStatus({ Status: status, Enabled: enabled })).toBe(want);
  });

  it.each<[string, CloudFrontDistributionDetail, Partial<NormalizedResource> | RegExp]>([
    [
      "a deployed distribution, named by its comment, in the global region",
      dist({}, { Tags: [{ Key: "env", Value: "prod" }, { Key: "wedding-critical", Value: "true" }] }),
      {
        kind: "cloudfront_distribution",
        resourceType: "cdn",
        regionCode: "global",
        resourceId: arn,
        name: "shop",
        status: "running",
        sizeCategory: "custom",
        tags: { env: "prod", "wedding-critical": "true" },
        providerCreatedAt: "2024-01-02T03:04:05.000Z",
      },
    ],
    ["a Name tag wins over the comment", dist({}, { Tags: [{ Key: "Name", Value: "Shop CDN" }] }), { name: "Shop CDN" }],
    ["no comment: the first alias", dist({ Comment: "", Aliases: { Quantity: 1, Items: ["shop.example.com"] } }), { name: "shop.example.com" }],
    ["no comment, no alias: the domain name", dist({ Comment: " " }), { name: "d111111abcdef8.cloudfront.net" }],
    ["no ARN", dist({ ARN: undefined }), /without ARN/],
    ["no Status", dist({ Status: undefined }), /unknown distribution status null/],
    ["gone before its tags were read", dist({}, { TagsError: "NoSuchResource" }), /NoSuchResource/],
  ])("%s", (_, raw, want) => {
    if (want instanceof RegExp) {
      expect(() => normalizeCloudFrontDistribution(raw, global)).toThrow(MalformedItemError);
      expect(() => normalizeCloudFrontDistribution(raw, global)).toThrow(want);
    } else {
      expect(normalizeCloudFrontDistribution(raw, global)).toMatchObject({ cloud: "aws", account: global.account, ...want });
    }
  });
});

describe("EC2 network kinds", () => {
  it.each([
    ["pending", "provisioning"],
    ["available", "running"],
    ["deleting", "stopping"],
    ["deleted", "terminated"],
    ["failed", "error"],
    ["Available", undefined],
    [undefined, undefined],
  ])("NAT gateway state %s → %s", (raw, status) => {
    expect(lookupStatus(natGatewayStatus, raw)).toBe(status);
  });

  it.each<[string, () => NormalizedResource, Partial<NormalizedResource> | RegExp]>([
    [
      "a security group, named by its GroupName",
      () => normalizeSecurityGroup({ GroupId: "sg-0abc", GroupName: "web-sg", VpcId: "vpc-1", Tags: [{ Key: "env", Value: "prod" }] }, where),
      { kind: "security_group", resourceType: "network", resourceId: "sg-0abc", name: "web-sg", status: "running", sizeCategory: "custom", tags: { env: "prod" } },
    ],
    ["a security group's Name tag wins", () => normalizeSecurityGroup({ GroupId: "sg-0abc", GroupName: "web-sg", Tags: [{ Key: "Name", Value: "Web" }] }, where), { name: "Web" }],
    ["a security group without GroupId", () => normalizeSecurityGroup({ GroupName: "web-sg" }, where), /without GroupId/],
    [
      "a NAT gateway, named by its Name tag",
      () =>
        normalizeNatGateway(
          { NatGatewayId: "nat-0abc", State: "available", CreateTime: new Date("2023-02-03T04:05:06Z"), Tags: [{ Key: "Name", Value: "prod-nat-a" }] },
          where,
        ),
      { kind: "nat_gateway", resourceType: "network", resourceId: "nat-0abc", name: "prod-nat-a", status: "running", sizeCategory: "custom", providerCreatedAt: "2023-02-03T04:05:06.000Z" },
    ],
    ["an untagged NAT gateway is named by its id", () => normalizeNatGateway({ NatGatewayId: "nat-0abc", State: "deleted" }, where), { name: "nat-0abc", status: "terminated", tags: {} }],
    ["a NAT gateway without NatGatewayId", () => normalizeNatGateway({ State: "available" }, where), /without NatGatewayId/],
    ["a NAT gateway without State", () => normalizeNatGateway({ NatGatewayId: "nat-0abc" }, where), /unknown NAT gateway state null/],
    [
      "an associated Elastic IP, named by its address",
      () => normalizeElasticIp({ AllocationId: "eipalloc-0abc", PublicIp: "3.4.5.6", AssociationId: "eipassoc-1", InstanceId: "i-1", Domain: "vpc" }, where),
      { kind: "elastic_ip", resourceType: "network", resourceId: "eipalloc-0abc", name: "3.4.5.6", status: "running", sizeCategory: "custom", tags: {} },
    ],
    [
      "an unassociated Elastic IP is stopped; its Name tag wins",
      () => normalizeElasticIp({ AllocationId: "eipalloc-0abc", PublicIp: "3.4.5.6", Tags: [{ Key: "Name", Value: "bastion" }] }, where),
      { status: "stopped", name: "bastion" },
    ],
    ["an address without AllocationId (EC2-Classic)", () => normalizeElasticIp({ PublicIp: "3.4.5.6", Domain: "standard" }, where), /without AllocationId/],
  ])("%s", (_, run, want) => {
    if (want instanceof RegExp) {
      expect(run).toThrow(MalformedItemError);
      expect(run).toThrow(want);
    } else {
      expect(run()).toMatchObject({ cloud: "aws", account: where.account, regionCode: "us-east-1", ...want });
    }
  });
});

describe("region catalog", () => {
  it("covers the main commercial regions with zones and coordinates", () => {
    const codes = awsRegionCatalog.map((r) => r.code);
    for (const code of ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2"]) {
      expect(codes).toContain(code);
    }
    for (const r of awsRegionCatalog) {
      expect(r.availabilityZones.length).toBeGreaterThan(0);
      for (const z of r.availabilityZones) expect(zoneToRegion(z)).toBe(r.code);
      expect(Math.abs(r.geographicLocation.coordinates.lat)).toBeLessThanOrEqual(90);
      expect(r.geographicLocation.city).not.toBe("");
    }
  });

  it("keeps regions the catalog does not know, with empty geography", () => {
    const merged = mergeRegions(["eu-west-1", "xx-new-1"]);
    expect(merged.map((r) => r.code)).toEqual(["eu-west-1", "xx-new-1"]);
    expect(merged[0]?.geographicLocation.city).toBe("Dublin");
    expect(merged[1]).toMatchObject({ name: "xx-new-1", availabilityZones: [], geographicLocation: { city: "" } });
  });
});
