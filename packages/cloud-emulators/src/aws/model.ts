/**
 * The emulator's own picture of one AWS resource: just enough facts to render it in each
 * service's wire format and to tell a test what the adapter should report.
 */
export const awsEmulatorKinds = [
  "ec2_instance",
  "ebs_volume",
  "vpc",
  "subnet",
  "elb_load_balancer",
  "rds_instance",
  "s3_bucket",
  "lambda_function",
  "dynamodb_table",
  "cloudfront_distribution",
  "security_group",
  "nat_gateway",
  "elastic_ip",
  "eks_cluster",
  "ecs_cluster",
  "ecs_service",
  "autoscaling_group",
  "elasticache_cluster",
  "efs_file_system",
  "redshift_cluster",
  // Resources of services cloudsync has no dedicated reader for, visible only through the
  // Resource Groups Tagging API (Kinesis streams, Glue jobs, EMR clusters, …).
  "tagged_resource",
] as const;

/** Kinds listed once per account (scope region `global`) rather than once per region. */
export const awsGlobalEmulatorKinds: ReadonlySet<AwsEmulatorKind> = new Set(["s3_bucket", "cloudfront_distribution"]);
export type AwsEmulatorKind = (typeof awsEmulatorKinds)[number];

export interface EmulatedResource {
  /** Position in the estate's global index space; ids are derived from it. */
  index: number;
  account: string;
  /** The scope's region: a region code, or `global` for S3. */
  scopeRegion: string;
  /** Where the resource lives (for S3: the bucket's region). */
  region: string;
  kind: AwsEmulatorKind;
  /** The id the adapter reports: instance/volume/vpc/subnet id, load balancer or DB ARN, bucket name. */
  id: string;
  /** Natural name when the API has one (LB name, DB identifier, bucket name). */
  naturalName?: string;
  /** Raw provider state string, verbatim. */
  state: string;
  tags: Record<string, string>;
  createdAt: string;
  zone: string;
  /** Instance type, DB instance class, volume size in GiB or function memory in MB (as text). */
  size: string;
  /** Kind-specific extras: engine, LB type, CIDR, vpc/subnet ids; for `tagged_resource` the expected kind and resource_type. */
  extra: Record<string, string>;
}

/** What a test should see from the adapter for one resource. */
export interface AwsExpectedResource {
  account: string;
  /** ScopeRef.region: region code, or `global` for S3. */
  scopeRegion: string;
  /** ScopeRef.kind (`rds_instance` for every engine). */
  scopeKind: AwsEmulatorKind;
  /** NormalizedResource.regionCode. */
  region: string;
  /** NormalizedResource.kind (`rds_postgres`, … for databases). */
  kind: string;
  resourceId: string;
  name: string;
  /** The provider's raw state and the seed status it should map to. */
  rawState: string;
  status: string;
  tags: Record<string, string>;
}
