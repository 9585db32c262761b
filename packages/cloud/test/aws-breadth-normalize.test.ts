import { describe, expect, it } from "vitest";
import { catchAllTypeFilters, derivedKind, isDedicatedArn, parseArn, resourceTypeOfArn } from "../src/aws/kinds/arn-types.ts";
import { dedicatedArnTypes } from "../src/aws/kinds/arn-types.ts";
import { autoScalingGroupSizeCategory, autoScalingGroupStatus, normalizeAutoScalingGroup } from "../src/aws/kinds/autoscaling-group.ts";
import { ecsClusterStatus, ecsTagsToRecord, normalizeEcsCluster } from "../src/aws/kinds/ecs-cluster.ts";
import { ecsServiceStatus, normalizeEcsService } from "../src/aws/kinds/ecs-service.ts";
import { efsFileSystemStatus, normalizeEfsFileSystem } from "../src/aws/kinds/efs-file-system.ts";
import { eksClusterStatus, normalizeEksCluster } from "../src/aws/kinds/eks-cluster.ts";
import { elastiCacheClusterStatus, normalizeElastiCacheCluster } from "../src/aws/kinds/elasticache-cluster.ts";
import { awsKindReaders } from "../src/aws/kinds/index.ts";
import { normalizeRedshiftCluster, redshiftClusterStatus, redshiftSizeCategory } from "../src/aws/kinds/redshift-cluster.ts";
import { isCatchAllMapping, normalizeTaggedResource, taggedResourceReader } from "../src/aws/kinds/tagged-resource.ts";
import { lookupStatus, storedBytesSizeCategory, taskCountSizeCategory } from "../src/aws/normalize.ts";
import { MalformedItemError } from "../src/errors.ts";

/** The breadth kinds' pure rules (docs/coverage.md, `## AWS` and `## Catch-all readers`), on hand-written fixtures. */

const where = { account: "111111111111", region: "eu-west-1" };

describe("status tables", () => {
  it.each([
    ["EKS", eksClusterStatus, "ACTIVE", "running"],
    ["EKS", eksClusterStatus, "CREATING", "provisioning"],
    ["EKS", eksClusterStatus, "PENDING", "provisioning"],
    ["EKS", eksClusterStatus, "UPDATING", "running"],
    ["EKS", eksClusterStatus, "DELETING", "stopping"],
    ["EKS", eksClusterStatus, "FAILED", "error"],
    ["EKS", eksClusterStatus, "active", undefined],
    ["ECS cluster", ecsClusterStatus, "ACTIVE", "running"],
    ["ECS cluster", ecsClusterStatus, "PROVISIONING", "provisioning"],
    ["ECS cluster", ecsClusterStatus, "DEPROVISIONING", "stopping"],
    ["ECS cluster", ecsClusterStatus, "FAILED", "error"],
    ["ECS cluster", ecsClusterStatus, "INACTIVE", "terminated"],
    ["ECS service", ecsServiceStatus, "ACTIVE", "running"],
    ["ECS service", ecsServiceStatus, "DRAINING", "stopping"],
    ["ECS service", ecsServiceStatus, "INACTIVE", "terminated"],
    ["ElastiCache", elastiCacheClusterStatus, "available", "running"],
    ["ElastiCache", elastiCacheClusterStatus, "creating", "provisioning"],
    ["ElastiCache", elastiCacheClusterStatus, "snapshotting", "running"],
    ["ElastiCache", elastiCacheClusterStatus, "rebooting cluster nodes", "starting"],
    ["ElastiCache", elastiCacheClusterStatus, "deleted", "terminated"],
    ["ElastiCache", elastiCacheClusterStatus, "restore-failed", "error"],
    ["ElastiCache", elastiCacheClusterStatus, "incompatible-network", "error"],
    ["EFS", efsFileSystemStatus, "available", "running"],
    ["EFS", efsFileSystemStatus, "updating", "running"],
    ["EFS", efsFileSystemStatus, "deleting", "stopping"],
    ["EFS", efsFileSystemStatus, "deleted", "terminated"],
    ["EFS", efsFileSystemStatus, "error", "error"],
    ["Redshift", redshiftClusterStatus, "available", "running"],
    ["Redshift", redshiftClusterStatus, "paused", "stopped"],
    ["Redshift", redshiftClusterStatus, "resizing", "running"],
    ["Redshift", redshiftClusterStatus, "rebooting", "starting"],
    ["Redshift", redshiftClusterStatus, "final-snapshot", "stopping"],
    ["Redshift", redshiftClusterStatus, "storage-full", "error"],
    ["Redshift", redshiftClusterStatus, "cancelling-resize", undefined],
  ] as const)("%s %s → %s", (_service, table, raw, status) => {
    expect(lookupStatus(table, raw)).toBe(status);
  });

  it.each([
    [{ DesiredCapacity: 3 }, "running"],
    [{ DesiredCapacity: 0 }, "stopped"],
    [{ DesiredCapacity: 3, Status: "Delete in progress" }, "stopping"],
    [{ DesiredCapacity: 3, Status: "Something new" }, undefined],
    [{}, undefined],
  ])("Auto Scaling group %j → %s", (group, status) => {
    expect(autoScalingGroupStatus(group)).toBe(status);
  });
});

describe("size tables", () => {
  it.each([
    [undefined, "custom"],
    [-1, "custom"],
    [6_144, "nano"],
    [100_000_000, "nano"],
    [100_000_001, "micro"],
    [1_000_000_000, "micro"],
    [9_999_999_999, "small"],
    [100_000_000_000, "medium"],
    [1_000_000_000_000, "large"],
    [1_000_000_000_001, "xlarge"],
  ])("stored bytes %s → %s", (bytes, size) => {
    expect(storedBytesSizeCategory(bytes)).toBe(size);
  });

  it.each([
    [undefined, "custom"],
    [1.5, "custom"],
    [0, "nano"],
    [1, "nano"],
    [2, "micro"],
    [3, "micro"],
    [4, "small"],
    [10, "small"],
    [11, "medium"],
    [30, "medium"],
    [31, "large"],
    [100, "large"],
    [101, "xlarge"],
  ])("running tasks %s → %s", (count, size) => {
    expect(taskCountSizeCategory(count)).toBe(size);
  });

  it.each([
    ["dc2.large", "large"],
    ["ra3.large", "large"],
    ["ra3.xlplus", "xlarge"],
    ["ra3.4xlarge", "xlarge"],
    ["dc2.8xlarge", "xlarge"],
    [undefined, "custom"],
  ])("Redshift node type %s → %s", (nodeType, size) => {
    expect(redshiftSizeCategory(nodeType)).toBe(size);
  });

  it.each([
    [[], "custom"],
    [[{ InstanceType: "t3.micro" }], "micro"],
    // The type most instances run wins.
    [[{ InstanceType: "m5.large" }, { InstanceType: "t3.small" }, { InstanceType: "t3.small" }], "small"],
    // On a tie, the first type seen.
    [[{ InstanceType: "m5.xlarge" }, { InstanceType: "t3.nano" }], "xlarge"],
    [[{ InstanceType: undefined }], "custom"],
  ])("Auto Scaling instances %j → %s", (instances, size) => {
    expect(autoScalingGroupSizeCategory({ Instances: instances })).toBe(size);
  });
});

describe("kind normalizers", () => {
  it("EKS: ARN id, tags map, no certificate in the configuration", () => {
    const r = normalizeEksCluster(
      {
        Cluster: {
          name: "web",
          arn: "arn:aws:eks:eu-west-1:111111111111:cluster/web",
          status: "ACTIVE",
          version: "1.31",
          createdAt: new Date("2024-02-03T04:05:06Z"),
          tags: { env: "prod", "wedding-critical": "true" },
          certificateAuthority: { data: "LS0t" },
        },
      },
      where,
    );
    expect(r).toMatchObject({ kind: "eks_cluster", resourceId: "arn:aws:eks:eu-west-1:111111111111:cluster/web", name: "web", resourceType: "compute", status: "running", sizeCategory: "custom" });
    expect(r.tags).toEqual({ env: "prod", "wedding-critical": "true" });
    expect(r.configuration.version).toBe("1.31");
    expect(r.configuration).not.toHaveProperty("certificateAuthority");
    expect(r.providerCreatedAt).toBe("2024-02-03T04:05:06.000Z");
  });

  it("ECS: lower-case tags, task counts as size, failures skipped", () => {
    expect(ecsTagsToRecord([{ key: "env", value: "dev" }, { key: "", value: "x" }, { value: "y" }])).toEqual({ env: "dev" });
    const cluster = normalizeEcsCluster({ Cluster: { clusterArn: "arn:aws:ecs:eu-west-1:111111111111:cluster/c", clusterName: "c", status: "ACTIVE", runningTasksCount: 12, tags: [{ key: "Name", value: "Main" }] } }, where);
    expect(cluster).toMatchObject({ kind: "ecs_cluster", name: "Main", sizeCategory: "medium", status: "running", providerCreatedAt: null });
    expect(cluster.configuration).not.toHaveProperty("tags");
    const service = normalizeEcsService(
      {
        Service: {
          serviceArn: "arn:aws:ecs:eu-west-1:111111111111:service/c/api",
          serviceName: "api",
          status: "DRAINING",
          desiredCount: 0,
          createdAt: new Date("2023-01-01T00:00:00Z"),
          events: [{ id: "e", message: "steady state" }],
          deployments: [{ id: "d" }],
        },
      },
      where,
    );
    expect(service).toMatchObject({ kind: "ecs_service", name: "api", status: "stopping", sizeCategory: "nano" });
    expect(service.configuration).not.toHaveProperty("events");
    expect(service.configuration).not.toHaveProperty("deployments");
    expect(() => normalizeEcsService({ Service: { serviceArn: "arn:x" }, FailureReason: "MISSING" }, where)).toThrow(/MISSING/);
  });

  it("Auto Scaling: capacity and instance ids stay in the configuration", () => {
    const r = normalizeAutoScalingGroup(
      {
        AutoScalingGroupName: "web-asg",
        AutoScalingGroupARN: "arn:aws:autoscaling:eu-west-1:111111111111:autoScalingGroup:uuid:autoScalingGroupName/web-asg",
        MinSize: 1,
        MaxSize: 5,
        DesiredCapacity: 2,
        DefaultCooldown: 300,
        AvailabilityZones: ["eu-west-1a"],
        HealthCheckType: "EC2",
        CreatedTime: new Date("2022-05-06T07:08:09Z"),
        Instances: [
          { InstanceId: "i-1", InstanceType: "m5.large", AvailabilityZone: "eu-west-1a", LifecycleState: "InService", HealthStatus: "Healthy", ProtectedFromScaleIn: false },
          { InstanceId: "i-2", InstanceType: "m5.large", AvailabilityZone: "eu-west-1a", LifecycleState: "InService", HealthStatus: "Healthy", ProtectedFromScaleIn: false },
        ],
        Tags: [{ Key: "env", Value: "prod", ResourceId: "web-asg", ResourceType: "auto-scaling-group", PropagateAtLaunch: true }],
      },
      where,
    );
    expect(r).toMatchObject({ kind: "autoscaling_group", name: "web-asg", status: "running", sizeCategory: "large", tags: { env: "prod" } });
    expect(r.configuration).toMatchObject({ DesiredCapacity: 2, MinSize: 1, MaxSize: 5 });
    expect((r.configuration.Instances as { InstanceId: string }[]).map((i) => i.InstanceId)).toEqual(["i-1", "i-2"]);
    expect(() => normalizeAutoScalingGroup({ AutoScalingGroupName: "x", AutoScalingGroupARN: "arn:y" } as never, where)).toThrow(/DesiredCapacity/);
  });

  it("ElastiCache, EFS and Redshift", () => {
    const cache = normalizeElastiCacheCluster(
      { Cluster: { CacheClusterId: "sessions", ARN: "arn:aws:elasticache:eu-west-1:111111111111:cluster:sessions", CacheNodeType: "cache.r6g.xlarge", CacheClusterStatus: "available" }, Tags: [{ Key: "env", Value: "prod" }] },
      where,
    );
    expect(cache).toMatchObject({ kind: "elasticache_cluster", resourceType: "database", sizeCategory: "xlarge", status: "running", tags: { env: "prod" } });
    expect(() => normalizeElastiCacheCluster({ Cluster: { CacheClusterId: "x", ARN: "arn:x" }, TagsError: "CacheClusterNotFound" }, where)).toThrow(/deleted while being listed/);

    const fs = normalizeEfsFileSystem(
      {
        OwnerId: "111111111111",
        CreationToken: "t",
        FileSystemId: "fs-1",
        FileSystemArn: "arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-1",
        CreationTime: new Date("2021-01-01T00:00:00Z"),
        LifeCycleState: "available",
        NumberOfMountTargets: 2,
        SizeInBytes: { Value: 75_000_000_000 },
        PerformanceMode: "generalPurpose",
        Tags: [{ Key: "Name", Value: "shared" }],
      },
      where,
    );
    expect(fs).toMatchObject({ kind: "efs_file_system", resourceType: "storage", name: "shared", sizeCategory: "medium" });

    const dw = normalizeRedshiftCluster({ ClusterIdentifier: "dw", NodeType: "ra3.xlplus", ClusterStatus: "paused", NumberOfNodes: 2, Tags: [{ Key: "env", Value: "prod" }] }, where);
    expect(dw).toMatchObject({
      kind: "redshift_cluster",
      resourceId: "arn:aws:redshift:eu-west-1:111111111111:cluster:dw",
      resourceType: "analytics",
      status: "stopped",
      sizeCategory: "xlarge",
    });
    expect(() => normalizeRedshiftCluster({ ClusterIdentifier: "dw" }, where)).toThrow(MalformedItemError);
  });
});

describe("ARNs for the Tagging API catch-all", () => {
  it.each([
    ["arn:aws:kinesis:eu-west-1:111111111111:stream/clicks", "kinesis", "stream", "clicks", "aws_kinesis_stream", "analytics"],
    ["arn:aws:states:eu-west-1:111111111111:stateMachine:orders", "states", "stateMachine", "orders", "aws_states_statemachine", "compute"],
    ["arn:aws:backup:eu-west-1:111111111111:backup-vault:main", "backup", "backup-vault", "main", "aws_backup_backup_vault", "storage"],
    ["arn:aws:ec2:eu-west-1:111111111111:transit-gateway/tgw-1", "ec2", "transit-gateway", "tgw-1", "aws_ec2_transit_gateway", "network"],
    ["arn:aws:ec2:eu-west-1:111111111111:snapshot/snap-1", "ec2", "snapshot", "snap-1", "aws_ec2_snapshot", "storage"],
    ["arn:aws:memorydb:eu-west-1:111111111111:cluster/cache", "memorydb", "cluster", "cache", "aws_memorydb_cluster", "database"],
    ["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/classic-lb", "elasticloadbalancing", "loadbalancer", "classic-lb", "aws_elasticloadbalancing_loadbalancer", "load_balancer"],
    ["arn:aws-cn:glue:cn-north-1:111111111111:job/etl", "glue", "job", "etl", "aws_glue_job", "analytics"],
    // No type: the resource is a bare name; the service is unmapped.
    ["arn:aws:sqs:eu-west-1:111111111111:orders-queue", "sqs", "", "orders-queue", "aws_sqs", undefined],
    ["arn:aws:ec2:eu-west-1:111111111111:key-pair/key-1", "ec2", "key-pair", "key-1", "aws_ec2_key_pair", undefined],
  ])("%s → %s %s %s, kind %s, %s", (raw, service, type, id, kind, resourceType) => {
    const arn = parseArn(raw);
    expect(arn).toMatchObject({ service, type, id });
    expect(derivedKind(arn as NonNullable<typeof arn>)).toBe(kind);
    expect(resourceTypeOfArn(arn as NonNullable<typeof arn>)).toBe(resourceType);
  });

  it.each(["", "arn:aws:kinesis:eu-west-1:111111111111", "arn:aws:kinesis:eu-west-1:111111111111:", "not-an-arn:aws:x:y:z:w", "arn::kinesis:r:a:stream/x"])("%j is not a resource ARN", (raw) => {
    expect(parseArn(raw)).toBeUndefined();
  });

  it.each([
    ["arn:aws:ec2:eu-west-1:111111111111:instance/i-1", true],
    ["arn:aws:ec2:eu-west-1:111111111111:volume/vol-1", true],
    ["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/50dc6c495c0c9188", true],
    ["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/classic-lb", false],
    ["arn:aws:s3:::my-bucket", true],
    ["arn:aws:rds:eu-west-1:111111111111:db:orders", true],
    ["arn:aws:rds:eu-west-1:111111111111:cluster:orders-aurora", false],
    ["arn:aws:ecs:eu-west-1:111111111111:service/c/api", true],
    ["arn:aws:ecs:eu-west-1:111111111111:task-definition/api:3", false],
    ["arn:aws:autoscaling:eu-west-1:111111111111:autoScalingGroup:uuid:autoScalingGroupName/web", true],
    ["arn:aws:redshift:eu-west-1:111111111111:cluster:dw", true],
    ["arn:aws:redshift:eu-west-1:111111111111:snapshot:dw/snap", false],
    ["arn:aws:kinesis:eu-west-1:111111111111:stream/clicks", false],
  ])("%s is read by a dedicated kind: %s", (raw, dedicated) => {
    expect(isDedicatedArn(parseArn(raw) as NonNullable<ReturnType<typeof parseArn>>)).toBe(dedicated);
    expect(isCatchAllMapping({ ResourceARN: raw })).toBe(!dedicated);
  });

  it("lists the ARN types of every dedicated kind, so none is reported twice", () => {
    const dedicated = awsKindReaders.filter((r) => r !== taggedResourceReader).map((r) => r.kind);
    expect(Object.keys(dedicatedArnTypes).sort()).toEqual([...dedicated].sort());
  });

  it("asks GetResources only for mapped services and the EC2 types no dedicated kind reads (at most the API's 100 filters)", () => {
    const filters = catchAllTypeFilters();
    expect(filters.length).toBeLessThanOrEqual(100);
    expect(filters).toEqual(expect.arrayContaining(["kinesis", "glue", "rds", "elasticloadbalancing", "ec2:transit-gateway", "ec2:snapshot"]));
    for (const left of ["ec2", "ec2:instance", "ec2:volume", "ec2:security-group", "s3", "dynamodb", "sqs", "kms"]) expect(filters).not.toContain(left);
  });

  it("normalizes a mapping: running, custom-sized, named by tag or id; unmapped services are skipped with the reason", () => {
    const r = normalizeTaggedResource({ ResourceARN: "arn:aws:glue:eu-west-1:111111111111:job/etl", Tags: [{ Key: "env", Value: "prod" }] }, where);
    expect(r).toMatchObject({ kind: "aws_glue_job", resourceType: "analytics", status: "running", sizeCategory: "custom", name: "etl", regionCode: "eu-west-1", tags: { env: "prod" } });
    const global = normalizeTaggedResource({ ResourceARN: "arn:aws:route53:::hostedzone/Z1", Tags: [{ Key: "Name", Value: "zone" }] }, { account: "111111111111", region: "us-east-1" });
    expect(global).toMatchObject({ kind: "aws_route53_hostedzone", regionCode: "global", name: "zone", resourceType: "network" });
    expect(() => normalizeTaggedResource({ ResourceARN: "arn:aws:sqs:eu-west-1:111111111111:q" }, where)).toThrow(/no resource_type is mapped for sqs/);
    expect(() => normalizeTaggedResource({ ResourceARN: "arn:aws:sqs:eu-west-1:111111111111:" }, where)).toThrow(MalformedItemError);
    expect(() => normalizeTaggedResource({}, where)).toThrow(/without ResourceARN/);
  });
});
