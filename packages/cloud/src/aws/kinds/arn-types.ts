import type { ResourceType } from "../../types.ts";

/**
 * ARNs → cloudsync kinds, for the Resource Groups Tagging API catch-all (./tagged-resource.ts),
 * as the Azure reader derives kinds from ARM namespaces. An ARN is
 * `arn:<partition>:<service>:<region>:<account>:<resource>`, its resource `type/id`, `type:id`
 * or a bare id. The derived kind is `aws_<service>_<type>` (`aws_<service>` without a type),
 * lower case, runs of other characters as `_`: `arn:aws:kinesis:…:stream/clicks` →
 * `aws_kinesis_stream`. Every rule here is listed in docs/coverage.md.
 */

export interface ParsedArn {
  partition: string;
  service: string;
  /** Empty for global resources (CloudFront, Route 53, S3). */
  region: string;
  account: string;
  /** `stream`, `stateMachine`, … or "" for a bare id (`arn:aws:sqs:…:queue-name`). */
  type: string;
  /** What follows the type: the resource's own id or name. */
  id: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !parts[1] || !parts[2]) return undefined;
  const resource = parts.slice(5).join(":");
  if (resource === "") return undefined;
  const cut = resource.search(/[/:]/);
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3] ?? "",
    account: parts[4] ?? "",
    type: cut < 0 ? "" : resource.slice(0, cut),
    id: cut < 0 ? resource : resource.slice(cut + 1),
  };
}

export function derivedKind(arn: Pick<ParsedArn, "service" | "type">): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
  return arn.type ? `aws_${clean(arn.service)}_${clean(arn.type)}` : `aws_${clean(arn.service)}`;
}

/**
 * `service:type` of the ARNs each dedicated kind reads itself; the catch-all leaves them out
 * so no resource is reported by two scopes. A test checks every dedicated reader is listed.
 */
export const dedicatedArnTypes: Readonly<Record<string, readonly string[]>> = {
  ec2_instance: ["ec2:instance"],
  ebs_volume: ["ec2:volume"],
  vpc: ["ec2:vpc"],
  subnet: ["ec2:subnet"],
  security_group: ["ec2:security-group"],
  nat_gateway: ["ec2:natgateway"],
  elastic_ip: ["ec2:elastic-ip"],
  // ELBv2 only (`loadbalancer/app|net|gwy/…`): classic load balancers stay with the catch-all.
  elb_load_balancer: ["elasticloadbalancing:loadbalancer/app", "elasticloadbalancing:loadbalancer/net", "elasticloadbalancing:loadbalancer/gwy"],
  rds_instance: ["rds:db"],
  s3_bucket: ["s3:"],
  lambda_function: ["lambda:function"],
  dynamodb_table: ["dynamodb:table"],
  cloudfront_distribution: ["cloudfront:distribution"],
  eks_cluster: ["eks:cluster"],
  ecs_cluster: ["ecs:cluster"],
  ecs_service: ["ecs:service"],
  autoscaling_group: ["autoscaling:autoScalingGroup"],
  elasticache_cluster: ["elasticache:cluster"],
  efs_file_system: ["elasticfilesystem:file-system"],
  redshift_cluster: ["redshift:cluster"],
};

const covered = new Set(Object.values(dedicatedArnTypes).flat());

/** Whether a dedicated kind reads this ARN (so the catch-all must not). */
export function isDedicatedArn(arn: ParsedArn): boolean {
  if (covered.has(`${arn.service}:${arn.type}`)) return true;
  // Some kinds own one subtype only: the segment after the type says which.
  const sub = arn.id.split("/")[0];
  return sub !== undefined && covered.has(`${arn.service}:${arn.type}/${sub}`);
}

/** resource_type by ARN service, for every service whose resources are one kind of thing. */
export const serviceResourceTypes: Readonly<Record<string, ResourceType>> = {
  lambda: "compute",
  ecs: "compute",
  eks: "compute",
  autoscaling: "compute",
  batch: "compute",
  states: "compute",
  apprunner: "compute",
  elasticbeanstalk: "compute",
  lightsail: "compute",
  s3: "storage",
  elasticfilesystem: "storage",
  fsx: "storage",
  backup: "storage",
  ecr: "storage",
  glacier: "storage",
  storagegateway: "storage",
  rds: "database",
  dynamodb: "database",
  elasticache: "database",
  memorydb: "database",
  dax: "database",
  timestream: "database",
  cassandra: "database",
  route53: "network",
  globalaccelerator: "network",
  directconnect: "network",
  "network-firewall": "network",
  "vpc-lattice": "network",
  apigateway: "network",
  elasticloadbalancing: "load_balancer",
  cloudfront: "cdn",
  redshift: "analytics",
  "redshift-serverless": "analytics",
  glue: "analytics",
  athena: "analytics",
  elasticmapreduce: "analytics",
  kinesis: "analytics",
  firehose: "analytics",
  kinesisanalytics: "analytics",
  kafka: "analytics",
  es: "analytics",
  aoss: "analytics",
  quicksight: "analytics",
  sagemaker: "analytics",
  databrew: "analytics",
  lakeformation: "analytics",
};

/** EC2 holds machines, disks and networks alike: its types are mapped one by one. */
export const ec2TypeResourceTypes: Readonly<Record<string, ResourceType>> = {
  instance: "compute",
  "launch-template": "compute",
  "dedicated-host": "compute",
  "capacity-reservation": "compute",
  "spot-fleet-request": "compute",
  fleet: "compute",
  volume: "storage",
  snapshot: "storage",
  image: "storage",
  vpc: "network",
  subnet: "network",
  "security-group": "network",
  natgateway: "network",
  "elastic-ip": "network",
  "transit-gateway": "network",
  "transit-gateway-attachment": "network",
  "transit-gateway-route-table": "network",
  "vpc-endpoint": "network",
  "vpc-endpoint-service": "network",
  "network-interface": "network",
  "internet-gateway": "network",
  "egress-only-internet-gateway": "network",
  "route-table": "network",
  "network-acl": "network",
  "vpn-gateway": "network",
  "vpn-connection": "network",
  "customer-gateway": "network",
  "vpc-peering-connection": "network",
  "prefix-list": "network",
  "dhcp-options": "network",
  ipam: "network",
  "ipam-pool": "network",
};

/** The resource_type of an ARN, or undefined when neither table maps it (the item is then skipped, saying which). */
export function resourceTypeOfArn(arn: Pick<ParsedArn, "service" | "type">): ResourceType | undefined {
  if (arn.service === "ec2") return Object.hasOwn(ec2TypeResourceTypes, arn.type) ? ec2TypeResourceTypes[arn.type] : undefined;
  return Object.hasOwn(serviceResourceTypes, arn.service) ? serviceResourceTypes[arn.service] : undefined;
}

/**
 * Services whose every taggable resource a dedicated kind reads: the catch-all does not ask for
 * them at all. Other services that have a dedicated kind are still asked for whole (their other
 * types matter), and the dedicated ARNs dropped on arrival.
 */
const fullyDedicatedServices = new Set(["s3", "dynamodb"]);

/**
 * GetResources' `ResourceTypeFilters`: only the services the tables above map, and of EC2 only
 * the types no dedicated kind reads, so the bulk of an estate (instances, volumes, subnets) is
 * not listed twice and unmapped services (SQS, KMS, …) are not listed at all.
 */
export function catchAllTypeFilters(): string[] {
  const services = Object.keys(serviceResourceTypes).filter((s) => !fullyDedicatedServices.has(s));
  const ec2 = Object.keys(ec2TypeResourceTypes)
    .map((type) => `ec2:${type}`)
    .filter((t) => !covered.has(t));
  return [...services, ...ec2];
}
