import { createRng, type Rng } from "../rng.ts";
import type { AwsEmulatorKind, EmulatedResource } from "./model.ts";

/**
 * Turns (seed, index) into one resource, so an estate of any size is computed on demand and
 * never held in memory. Ids embed the index, which lets the server find an item from its id.
 */

export interface GenerateContext {
  seedHash: number;
  account: string;
  scopeRegion: string;
  kind: AwsEmulatorKind;
  /** Regions an S3 bucket may live in. */
  regions: readonly string[];
  /** A VPC id of the same account and region, if the estate has one, for subnets and instances. */
  vpcIdNear(rng: Rng): string | undefined;
  /** The cluster an ECS service of this index runs in, when the region has clusters. */
  ecsClusterOf(index: number): { arn: string; name: string } | undefined;
}

/** 16 hex digits: 7 from the seed, 9 from the index (room for 68 billion resources). */
export function idCode(seedHash: number, index: number): string {
  return (seedHash & 0xfffffff).toString(16).padStart(7, "0") + index.toString(16).padStart(9, "0");
}

/** The index hidden in an id made by `idCode`, or undefined when the id is not ours. */
export function indexFromId(seedHash: number, id: string): number | undefined {
  // Case-insensitive: CloudFront distribution ids are upper case.
  const match = /([0-9a-f]{7})([0-9a-f]{9})$/i.exec(id);
  if (!match || match[1]?.toLowerCase() !== (seedHash & 0xfffffff).toString(16).padStart(7, "0")) return undefined;
  return Number.parseInt(match[2] as string, 16);
}

/** A weighted choice, with its running totals computed once rather than per item. */
interface Weighted<T> {
  values: readonly T[];
  cumulative: readonly number[];
  total: number;
}

function weighted<T>(table: readonly (readonly [T, number])[]): Weighted<T> {
  let total = 0;
  const cumulative = table.map(([, w]) => (total += w));
  return { values: table.map(([v]) => v), cumulative, total };
}

function pickWeighted<T>(rng: Rng, table: Weighted<T>): T {
  const roll = rng.next() * table.total;
  const i = table.cumulative.findIndex((c) => roll < c);
  return table.values[i < 0 ? table.values.length - 1 : i] as T;
}

const apps = ["checkout", "orders", "search", "billing", "auth", "media", "reports", "gateway", "etl", "ml"];
const envs = weighted<string>([
  ["prod", 5],
  ["staging", 2],
  ["dev", 2],
  ["qa", 1],
]);
const teams = ["payments", "platform", "data", "web", "mobile", "ml"];

const instanceTypes = weighted<string>([
  ["t3.nano", 3],
  ["t3.micro", 8],
  ["t4g.micro", 3],
  ["t3.small", 8],
  ["t3.medium", 10],
  ["m5.large", 12],
  ["c6i.large", 6],
  ["m5.xlarge", 8],
  ["r6g.2xlarge", 5],
  ["c5.4xlarge", 3],
  ["m7i.48xlarge", 1],
  ["mac1.metal", 1],
  ["u-6tb1.112xlarge", 1],
]);
const instanceStates = weighted<string>([
  ["running", 70],
  ["stopped", 14],
  ["pending", 3],
  ["stopping", 3],
  ["shutting-down", 2],
  ["terminated", 8],
]);
const volumeStates = weighted<string>([
  ["in-use", 70],
  ["available", 20],
  ["creating", 4],
  ["deleting", 3],
  ["error", 3],
]);
const volumeTypes = ["gp3", "gp3", "gp2", "io2", "st1", "sc1"];
const volumeSizes = [8, 8, 20, 30, 50, 100, 200, 500, 1000, 4096, 16384];
const lbTypes = weighted<string>([
  ["application", 70],
  ["network", 25],
  ["gateway", 5],
]);
const lbStates = weighted<string>([
  ["active", 85],
  ["provisioning", 7],
  ["active_impaired", 5],
  ["failed", 3],
]);
const dbEngines = weighted<string>([
  ["postgres", 35],
  ["mysql", 25],
  ["aurora-postgresql", 15],
  ["aurora-mysql", 10],
  ["mariadb", 7],
  ["sqlserver-se", 5],
  ["oracle-ee", 3],
]);
const dbClasses = weighted<string>([
  ["db.t3.micro", 10],
  ["db.t4g.small", 10],
  ["db.t3.medium", 10],
  ["db.m5.large", 20],
  ["db.r6g.xlarge", 15],
  ["db.r5.4xlarge", 5],
  ["db.serverless", 3],
]);
const dbStates = weighted<string>([
  ["available", 78],
  ["stopped", 6],
  ["creating", 3],
  ["backing-up", 3],
  ["modifying", 2],
  ["starting", 2],
  ["stopping", 2],
  ["deleting", 1],
  ["failed", 1],
  ["storage-full", 1],
  ["incompatible-parameters", 1],
]);

const functionStates = weighted<string>([
  ["Active", 85],
  ["Inactive", 8],
  ["Pending", 4],
  ["Failed", 3],
]);
const functionMemoryMb = [128, 128, 256, 512, 1024, 1769, 2048, 3008, 4096, 10240];
const functionRuntimes = ["nodejs20.x", "nodejs22.x", "python3.12", "python3.13", "java21", "provided.al2023"];

const tableStates = weighted<string>([
  ["ACTIVE", 85],
  ["UPDATING", 5],
  ["CREATING", 3],
  ["DELETING", 2],
  ["ARCHIVED", 2],
  ["ARCHIVING", 1],
  ["INACCESSIBLE_ENCRYPTION_CREDENTIALS", 2],
]);
/** Table sizes in bytes: empty, small, a few GB, hundreds of GB, several TB. */
const tableSizes = [0, 52_000, 48_000_000, 730_000_000, 6_400_000_000, 85_000_000_000, 412_000_000_000, 3_100_000_000_000];

const distributionStates = weighted<string>([
  ["Deployed", 90],
  ["InProgress", 10],
]);
const priceClasses = ["PriceClass_All", "PriceClass_200", "PriceClass_100"];

const natGatewayStates = weighted<string>([
  ["available", 85],
  ["pending", 5],
  ["deleting", 3],
  ["deleted", 4],
  ["failed", 3],
]);

const eksClusterStates = weighted<string>([
  ["ACTIVE", 85],
  ["CREATING", 4],
  ["UPDATING", 4],
  ["PENDING", 3],
  ["DELETING", 2],
  ["FAILED", 2],
]);
const eksVersions = ["1.29", "1.30", "1.31", "1.32"];

// INACTIVE clusters and services (deleted ones) are left out: the list calls do not return them.
const ecsClusterStates = weighted<string>([
  ["ACTIVE", 93],
  ["PROVISIONING", 3],
  ["DEPROVISIONING", 2],
  ["FAILED", 2],
]);
const ecsServiceStates = weighted<string>([
  ["ACTIVE", 92],
  ["DRAINING", 8],
]);

const cacheNodeTypes = weighted<string>([
  ["cache.t3.micro", 15],
  ["cache.t4g.small", 15],
  ["cache.t3.medium", 10],
  ["cache.m6g.large", 25],
  ["cache.r6g.xlarge", 20],
  ["cache.r7g.4xlarge", 10],
  ["cache.r6gd.16xlarge", 5],
]);
const cacheClusterStates = weighted<string>([
  ["available", 85],
  ["creating", 3],
  ["modifying", 3],
  ["snapshotting", 2],
  ["rebooting cluster nodes", 2],
  ["deleting", 2],
  ["restore-failed", 1],
  ["incompatible-network", 2],
]);
const cacheEngines = weighted<string>([
  ["redis", 60],
  ["valkey", 20],
  ["memcached", 20],
]);

const fileSystemStates = weighted<string>([
  ["available", 88],
  ["creating", 4],
  ["updating", 3],
  ["deleting", 2],
  ["error", 3],
]);
/** File system sizes in bytes: a fresh one (6 KiB of metadata), then MB, GB and TB. */
const fileSystemSizes = [6_144, 48_000_000, 2_300_000_000, 75_000_000_000, 640_000_000_000, 4_800_000_000_000];

const redshiftNodeTypes = weighted<string>([
  ["dc2.large", 25],
  ["ra3.large", 15],
  ["ra3.xlplus", 30],
  ["ra3.4xlarge", 20],
  ["ra3.16xlarge", 5],
  ["dc2.8xlarge", 5],
]);
const redshiftStates = weighted<string>([
  ["available", 80],
  ["paused", 6],
  ["creating", 3],
  ["resizing", 2],
  ["modifying", 2],
  ["rebooting", 2],
  ["deleting", 1],
  ["hardware-failure", 1],
  ["incompatible-network", 1],
  ["storage-full", 1],
  ["final-snapshot", 1],
]);

/**
 * Services cloudsync has no dedicated reader for, as the Tagging API names them: an ARN
 * template and, as an oracle written apart from the adapter's table, the kind and
 * resource_type a correct catch-all reports.
 */
const taggedTemplates: readonly { arn: (region: string, account: string, name: string, code: string) => string; kind: string; resourceType: string }[] = [
  { arn: (r, a, n) => `arn:aws:kinesis:${r}:${a}:stream/${n}`, kind: "aws_kinesis_stream", resourceType: "analytics" },
  { arn: (r, a, n) => `arn:aws:glue:${r}:${a}:job/${n}`, kind: "aws_glue_job", resourceType: "analytics" },
  { arn: (r, a, n) => `arn:aws:athena:${r}:${a}:workgroup/${n}`, kind: "aws_athena_workgroup", resourceType: "analytics" },
  { arn: (r, a, _n, c) => `arn:aws:elasticmapreduce:${r}:${a}:cluster/j-${c.toUpperCase()}`, kind: "aws_elasticmapreduce_cluster", resourceType: "analytics" },
  { arn: (r, a, n) => `arn:aws:es:${r}:${a}:domain/${n}`, kind: "aws_es_domain", resourceType: "analytics" },
  { arn: (r, a, n) => `arn:aws:ecr:${r}:${a}:repository/${n}`, kind: "aws_ecr_repository", resourceType: "storage" },
  { arn: (r, a, n) => `arn:aws:backup:${r}:${a}:backup-vault:${n}`, kind: "aws_backup_backup_vault", resourceType: "storage" },
  { arn: (r, a, _n, c) => `arn:aws:fsx:${r}:${a}:file-system/fs-0${c}`, kind: "aws_fsx_file_system", resourceType: "storage" },
  { arn: (r, a, n) => `arn:aws:states:${r}:${a}:stateMachine:${n}`, kind: "aws_states_statemachine", resourceType: "compute" },
  { arn: (r, a, n) => `arn:aws:memorydb:${r}:${a}:cluster/${n}`, kind: "aws_memorydb_cluster", resourceType: "database" },
  { arn: (r, a, _n, c) => `arn:aws:ec2:${r}:${a}:transit-gateway/tgw-0${c}`, kind: "aws_ec2_transit_gateway", resourceType: "network" },
  { arn: (r, a, _n, c) => `arn:aws:ec2:${r}:${a}:vpc-endpoint/vpce-0${c}`, kind: "aws_ec2_vpc_endpoint", resourceType: "network" },
];

const startOf2019 = Date.UTC(2019, 0, 1);
const sixYearsMs = 6 * 365 * 24 * 3600 * 1000;

function tagsFor(rng: Rng, name: string | undefined, env: string, app: string): Record<string, string> {
  const tags: Record<string, string> = {};
  // About one in twelve resources has no Name tag, so names fall back to ids.
  if (name !== undefined && rng.next() > 0.08) tags.Name = name;
  const roll = rng.next();
  if (roll < 0.05) return tags; // barely tagged
  tags.env = env;
  tags.app = app;
  tags.team = rng.pick(teams);
  if (rng.next() < 0.6) tags["cost-center"] = `cc-${rng.int(1000, 1100)}`;
  // Odd but valid tags AWS allows: reserved prefixes, XML-special characters, unicode, empty values.
  if (roll > 0.97) tags["aws:cloudformation:stack-name"] = `${app}-${env}-stack`;
  if (roll > 0.95 && roll <= 0.97) tags.owner = "R&D <core> \"ops\" 'team'";
  if (roll > 0.93 && roll <= 0.95) tags.description = "café ☕ — ünïcödé";
  if (roll > 0.9 && roll <= 0.93) tags.scratch = "";
  return tags;
}

/**
 * EC2 Auto Scaling tags each instance it launches with its group's name. About a third of the
 * tagged instances belong to a group, chosen by index so no random draw (and so no other
 * generated value) changes.
 */
function inScalingGroup(tags: Record<string, string>, index: number, app: string, env: string): Record<string, string> {
  if (tags.env === undefined || index % 3 !== 0) return tags;
  return { ...tags, "aws:autoscaling:groupName": `${app}-${env}-asg` };
}

/**
 * The tags the demo's estate table reads beyond `env`: a `wedding-critical` flag, set on a good
 * share of production resources and a few others (and sometimes explicitly false).
 */
function withWeddingCritical(rng: Rng, tags: Record<string, string>, env: string): Record<string, string> {
  if (tags.env === undefined) return tags;
  const roll = rng.next();
  if (roll < (env === "prod" ? 0.4 : 0.05)) return { ...tags, "wedding-critical": "true" };
  if (roll > 0.9) return { ...tags, "wedding-critical": "false" };
  return tags;
}

export function generateResource(ctx: GenerateContext, index: number): EmulatedResource {
  const rng = createRng(ctx.seedHash ^ Math.imul(index + 1, 0x9e3779b1));
  const code = idCode(ctx.seedHash, index);
  const app = rng.pick(apps);
  const env = pickWeighted(rng, envs);
  const createdAt = new Date(startOf2019 + Math.floor(rng.next() * sixYearsMs)).toISOString().replace(/\.\d{3}Z$/, ".000Z");
  // A bucket lives in one region though it is listed globally; a distribution lives nowhere in particular.
  const region = ctx.kind === "s3_bucket" ? rng.pick(ctx.regions) : ctx.scopeRegion;
  const zone = `${region}${rng.pick(["a", "b", "c"])}`;
  const base = { index, account: ctx.account, scopeRegion: ctx.scopeRegion, region, kind: ctx.kind, createdAt, zone };
  const short = index.toString(36);

  switch (ctx.kind) {
    case "ec2_instance": {
      const name = `${app}-${env}-${short}`;
      return {
        ...base,
        id: `i-0${code}`,
        state: pickWeighted(rng, instanceStates),
        tags: inScalingGroup(tagsFor(rng, name, env, app), index, app, env),
        size: pickWeighted(rng, instanceTypes),
        extra: { vpcId: ctx.vpcIdNear(rng) ?? "", imageId: `ami-0${code.slice(3)}`, privateIp: privateIp(rng) },
      };
    }
    case "ebs_volume": {
      const state = pickWeighted(rng, volumeStates);
      return {
        ...base,
        id: `vol-0${code}`,
        state,
        tags: tagsFor(rng, `${app}-${env}-data-${short}`, env, app),
        size: String(rng.pick(volumeSizes)),
        extra: {
          volumeType: rng.pick(volumeTypes),
          attachedTo: state === "in-use" ? `i-0${idCode(ctx.seedHash, rng.int(0, index + 1))}` : "",
        },
      };
    }
    case "vpc":
      return {
        ...base,
        id: `vpc-0${code}`,
        state: rng.next() < 0.96 ? "available" : "pending",
        tags: tagsFor(rng, `${env}-vpc-${short}`, env, app),
        size: "",
        extra: { cidr: `10.${rng.int(0, 256)}.0.0/16`, isDefault: rng.next() < 0.15 ? "true" : "false" },
      };
    case "subnet": {
      const vpcId = ctx.vpcIdNear(rng) ?? `vpc-0${idCode(ctx.seedHash, 0)}`;
      return {
        ...base,
        id: `subnet-0${code}`,
        state: rng.next() < 0.97 ? "available" : "pending",
        tags: tagsFor(rng, `${env}-${rng.pick(["private", "public", "db"])}-${zone}-${short}`, env, app),
        size: "",
        extra: { vpcId, cidr: `10.${rng.int(0, 256)}.${rng.int(0, 256)}.0/24`, freeIps: String(rng.int(0, 251)) },
      };
    }
    case "elb_load_balancer": {
      const type = pickWeighted(rng, lbTypes);
      const name = `${app}-${env}-${short}`.slice(0, 32);
      const path = type === "application" ? "app" : type === "network" ? "net" : "gwy";
      return {
        ...base,
        id: `arn:aws:elasticloadbalancing:${region}:${ctx.account}:loadbalancer/${path}/${name}/${code}`,
        naturalName: name,
        state: pickWeighted(rng, lbStates),
        tags: tagsFor(rng, rng.next() < 0.5 ? name : undefined, env, app),
        size: "",
        extra: { type, scheme: rng.next() < 0.6 ? "internet-facing" : "internal", vpcId: ctx.vpcIdNear(rng) ?? "" },
      };
    }
    case "rds_instance": {
      const engine = pickWeighted(rng, dbEngines);
      const identifier = `${app}-${env}-db-${code}`;
      const dbClass = pickWeighted(rng, dbClasses);
      return {
        ...base,
        id: `arn:aws:rds:${region}:${ctx.account}:db:${identifier}`,
        naturalName: identifier,
        state: pickWeighted(rng, dbStates),
        tags: tagsFor(rng, rng.next() < 0.5 ? `${app}-${env}-db` : undefined, env, app),
        size: dbClass,
        extra: { engine, identifier, storageGb: String(rng.pick([20, 100, 500, 2000])) },
      };
    }
    case "lambda_function": {
      const name = `${app}-${env}-${rng.pick(["api", "worker", "cron", "webhook", "resize"])}-${code}`;
      return {
        ...base,
        zone: "",
        id: `arn:aws:lambda:${region}:${ctx.account}:function:${name}`,
        naturalName: name,
        state: pickWeighted(rng, functionStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: String(rng.pick(functionMemoryMb)),
        extra: {
          runtime: rng.pick(functionRuntimes),
          architecture: rng.next() < 0.3 ? "arm64" : "x86_64",
          timeout: String(rng.pick([3, 15, 30, 60, 300, 900])),
          codeSize: String(rng.int(1_000, 50_000_000)),
        },
      };
    }
    case "dynamodb_table": {
      const name = `${app}-${env}-${rng.pick(["sessions", "events", "carts", "profiles", "ledger"])}-${code}`;
      const onDemand = rng.next() < 0.6;
      return {
        ...base,
        zone: "",
        id: `arn:aws:dynamodb:${region}:${ctx.account}:table/${name}`,
        naturalName: name,
        state: pickWeighted(rng, tableStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: String(rng.pick(tableSizes)),
        extra: {
          billingMode: onDemand ? "PAY_PER_REQUEST" : "PROVISIONED",
          readCapacity: onDemand ? "0" : String(rng.pick([5, 25, 100, 1000])),
          writeCapacity: onDemand ? "0" : String(rng.pick([5, 25, 100, 500])),
          itemCount: String(rng.int(0, 50_000_000)),
        },
      };
    }
    case "security_group": {
      const groupName = `${app}-${env}-${rng.pick(["web", "db", "internal", "alb", "bastion"])}-sg-${short}`;
      return {
        ...base,
        zone: "",
        id: `sg-0${code}`,
        naturalName: groupName,
        // A security group has no lifecycle: it exists until deleted.
        state: "exists",
        tags: withWeddingCritical(rng, tagsFor(rng, rng.next() < 0.6 ? groupName : undefined, env, app), env),
        size: "",
        extra: {
          vpcId: ctx.vpcIdNear(rng) ?? `vpc-0${idCode(ctx.seedHash, 0)}`,
          port: String(rng.pick([22, 80, 443, 5432, 6379, 8080])),
          cidr: rng.next() < 0.4 ? "0.0.0.0/0" : `10.${rng.int(0, 256)}.0.0/16`,
        },
      };
    }
    case "nat_gateway": {
      const vpcId = ctx.vpcIdNear(rng) ?? `vpc-0${idCode(ctx.seedHash, 0)}`;
      return {
        ...base,
        id: `nat-0${code}`,
        state: pickWeighted(rng, natGatewayStates),
        tags: withWeddingCritical(rng, tagsFor(rng, `${env}-nat-${zone}-${short}`, env, app), env),
        size: "",
        extra: {
          vpcId,
          subnetId: `subnet-0${code}`,
          connectivity: rng.next() < 0.85 ? "public" : "private",
          privateIp: privateIp(rng),
          publicIp: `${rng.int(3, 54)}.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`,
        },
      };
    }
    case "elastic_ip": {
      const publicIp = `${rng.int(3, 54)}.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
      const associated = rng.next() < 0.8;
      return {
        ...base,
        zone: "",
        id: `eipalloc-0${code}`,
        naturalName: publicIp,
        state: associated ? "associated" : "unassociated",
        tags: withWeddingCritical(rng, tagsFor(rng, rng.next() < 0.5 ? `${app}-${env}-eip-${short}` : undefined, env, app), env),
        size: "",
        extra: {
          instanceId: associated ? `i-0${idCode(ctx.seedHash, rng.int(0, index + 1))}` : "",
          privateIp: privateIp(rng),
        },
      };
    }
    case "cloudfront_distribution": {
      const comment = `${app}-${env}-cdn`;
      const origin =
        rng.next() < 0.5 ? `${app}-${env}-assets-${code}.s3.amazonaws.com` : `${app}-${env}-${short}.${rng.pick(ctx.regions)}.elb.amazonaws.com`;
      return {
        ...base,
        zone: "",
        id: `arn:aws:cloudfront::${ctx.account}:distribution/E${code.toUpperCase()}`,
        naturalName: comment,
        state: pickWeighted(rng, distributionStates),
        tags: withWeddingCritical(rng, tagsFor(rng, rng.next() < 0.5 ? comment : undefined, env, app), env),
        size: "",
        extra: {
          enabled: rng.next() < 0.9 ? "true" : "false",
          priceClass: rng.pick(priceClasses),
          origin,
          alias: rng.next() < 0.6 ? `${app}${env === "prod" ? "" : `-${env}`}.example.com` : "",
        },
      };
    }
    case "eks_cluster": {
      const name = `${app}-${env}-eks-${code}`;
      const version = rng.pick(eksVersions);
      return {
        ...base,
        zone: "",
        id: `arn:aws:eks:${region}:${ctx.account}:cluster/${name}`,
        naturalName: name,
        state: pickWeighted(rng, eksClusterStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        // The control plane has no size of its own; its nodes are instances and groups.
        size: "",
        extra: { version, platformVersion: `eks.${rng.int(1, 30)}`, vpcId: ctx.vpcIdNear(rng) ?? "" },
      };
    }
    case "ecs_cluster": {
      const name = `${app}-${env}-cluster-${code}`;
      const instances = rng.next() < 0.5 ? 0 : rng.int(1, 40);
      return {
        ...base,
        zone: "",
        id: `arn:aws:ecs:${region}:${ctx.account}:cluster/${name}`,
        naturalName: name,
        state: pickWeighted(rng, ecsClusterStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: String(rng.pick([0, 1, 2, 4, 9, 24, 75, 220])),
        extra: { instances: String(instances), pendingTasks: String(rng.int(0, 3)), activeServices: String(rng.int(0, 12)) },
      };
    }
    case "ecs_service": {
      const cluster = ctx.ecsClusterOf(index) ?? { arn: `arn:aws:ecs:${region}:${ctx.account}:cluster/default`, name: "default" };
      const name = `${app}-${env}-${rng.pick(["api", "web", "worker", "consumer"])}-${code}`;
      const state = pickWeighted(rng, ecsServiceStates);
      const desired = state === "DRAINING" ? 0 : rng.pick([0, 1, 2, 3, 6, 12, 40, 150]);
      return {
        ...base,
        zone: "",
        id: `arn:aws:ecs:${region}:${ctx.account}:service/${cluster.name}/${name}`,
        naturalName: name,
        state,
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: String(desired),
        extra: {
          clusterArn: cluster.arn,
          launchType: rng.next() < 0.7 ? "FARGATE" : "EC2",
          running: String(state === "ACTIVE" ? desired : 0),
          taskDefinition: `arn:aws:ecs:${region}:${ctx.account}:task-definition/${name}:${rng.int(1, 90)}`,
        },
      };
    }
    case "autoscaling_group": {
      const name = `${app}-${env}-asg-${code}`;
      const min = rng.pick([0, 1, 2, 3]);
      const desired = min + rng.pick([0, 0, 1, 2, 4]);
      const max = desired + rng.pick([0, 2, 5, 10]);
      const deleting = rng.next() < 0.04;
      const instanceIds = Array.from({ length: Math.min(desired, 6) }, () => `i-0${idCode(ctx.seedHash, rng.int(0, index + 1))}`);
      return {
        ...base,
        id: `arn:aws:autoscaling:${region}:${ctx.account}:autoScalingGroup:${code.slice(0, 8)}-0000-4000-8000-${code.slice(4)}:autoScalingGroupName/${name}`,
        naturalName: name,
        // DescribeAutoScalingGroups has a Status only while the group is being deleted.
        state: deleting ? "Delete in progress" : desired === 0 ? "empty" : "in service",
        tags: withWeddingCritical(rng, tagsFor(rng, `${app}-${env}-asg`, env, app), env),
        size: pickWeighted(rng, instanceTypes),
        extra: { min: String(min), desired: String(desired), max: String(max), instanceIds: instanceIds.join(","), launchTemplate: `${app}-${env}-lt` },
      };
    }
    case "elasticache_cluster": {
      const name = `${app}-${env}-${code}`;
      const engine = pickWeighted(rng, cacheEngines);
      return {
        ...base,
        id: `arn:aws:elasticache:${region}:${ctx.account}:cluster:${name}`,
        naturalName: name,
        state: pickWeighted(rng, cacheClusterStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: pickWeighted(rng, cacheNodeTypes),
        extra: { engine, nodes: String(engine === "memcached" ? rng.int(1, 6) : 1), engineVersion: engine === "memcached" ? "1.6.22" : engine === "valkey" ? "8.0" : "7.1" },
      };
    }
    case "efs_file_system": {
      const fileSystemId = `fs-0${code}`;
      return {
        ...base,
        zone: "",
        id: `arn:aws:elasticfilesystem:${region}:${ctx.account}:file-system/${fileSystemId}`,
        naturalName: fileSystemId,
        state: pickWeighted(rng, fileSystemStates),
        tags: withWeddingCritical(rng, tagsFor(rng, `${app}-${env}-shared-${short}`, env, app), env),
        size: String(rng.pick(fileSystemSizes)),
        extra: {
          fileSystemId,
          performanceMode: rng.next() < 0.9 ? "generalPurpose" : "maxIO",
          throughputMode: rng.pick(["bursting", "elastic", "provisioned"]),
          mountTargets: String(rng.int(0, 4)),
        },
      };
    }
    case "redshift_cluster": {
      const identifier = `${app}-${env}-dw-${code}`;
      const nodeType = pickWeighted(rng, redshiftNodeTypes);
      return {
        ...base,
        id: `arn:aws:redshift:${region}:${ctx.account}:cluster:${identifier}`,
        naturalName: identifier,
        state: pickWeighted(rng, redshiftStates),
        tags: withWeddingCritical(rng, tagsFor(rng, undefined, env, app), env),
        size: nodeType,
        extra: { nodes: String(nodeType.startsWith("dc2.large") || rng.next() < 0.3 ? 1 : rng.int(2, 9)), database: "analytics" },
      };
    }
    case "tagged_resource": {
      const template = rng.pick(taggedTemplates);
      const name = `${app}-${env}-${code}`;
      const tags = withWeddingCritical(rng, tagsFor(rng, name, env, app), env);
      // The Tagging API lists only resources that carry a tag.
      if (Object.keys(tags).length === 0) tags.app = app;
      const arn = template.arn(region, ctx.account, name, code);
      return {
        ...base,
        zone: "",
        id: arn,
        // The ARN's last segment is the resource's own id or name.
        naturalName: arn.split(/[/:]/).pop() as string,
        state: "exists",
        tags,
        size: "",
        extra: { expectedKind: template.kind, expectedResourceType: template.resourceType },
      };
    }
    case "s3_bucket": {
      const bucket = `${app}-${env}-${rng.pick(["logs", "assets", "backups", "exports", "media"])}-${code}`;
      return {
        ...base,
        zone: "",
        id: bucket,
        naturalName: bucket,
        state: "exists",
        // Bucket tags live behind GetBucketTagging, which the adapter does not call.
        tags: {},
        size: "",
        extra: {},
      };
    }
  }
}

function privateIp(rng: Rng): string {
  return `10.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
}
