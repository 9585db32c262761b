import type { EmulatedResource } from "./model.ts";
import { type AwsExpectedRdsBackup, rdsBackupFields } from "./rds-backups.ts";
import { el, wrap } from "./xml.ts";

/** AWS Query-protocol XML (ELBv2, RDS, STS): `<XResponse><XResult>…</XResult><ResponseMetadata>`. */

export const namespaces = {
  elasticloadbalancing: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
  rds: "http://rds.amazonaws.com/doc/2014-10-31/",
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
  // CloudFront is REST-XML, but its errors take this same ErrorResponse shape.
  cloudfront: "http://cloudfront.amazonaws.com/doc/2020-05-31/",
  autoscaling: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  elasticache: "http://elasticache.amazonaws.com/doc/2015-02-02/",
  redshift: "http://redshift.amazonaws.com/doc/2012-12-01/",
  cloudformation: "http://cloudformation.amazonaws.com/doc/2010-05-15/",
} as const;

export function queryResponse(
  service: keyof typeof namespaces,
  action: string,
  requestId: string,
  result: string,
): string {
  return (
    `<${action}Response xmlns="${namespaces[service]}">` +
    wrap(`${action}Result`, result) +
    wrap("ResponseMetadata", el("RequestId", requestId)) +
    `</${action}Response>`
  );
}

export function renderLoadBalancer(item: EmulatedResource, malformed: boolean): string {
  const name = item.naturalName ?? "";
  const dnsName = `${name}-${item.index}.${item.region}.elb.amazonaws.com`;
  const zones = ["a", "b"]
    .map((z) => wrap("member", el("ZoneName", `${item.region}${z}`) + el("SubnetId", `subnet-0${item.id.slice(-16)}`)))
    .join("");
  return wrap(
    "member",
    el("LoadBalancerArn", item.id) +
      el("DNSName", item.extra.type === "gateway" ? undefined : dnsName) +
      el("CanonicalHostedZoneId", "Z35SXDOTRQ7X7K") +
      el("CreatedTime", item.createdAt) +
      el("LoadBalancerName", name) +
      el("Scheme", item.extra.scheme) +
      el("VpcId", item.extra.vpcId || undefined) +
      (malformed ? "" : wrap("State", el("Code", item.state))) +
      el("Type", item.extra.type) +
      wrap("AvailabilityZones", zones) +
      el("IpAddressType", "ipv4"),
  );
}

export function renderTagDescription(arn: string, tags: Record<string, string>): string {
  const members = Object.entries(tags)
    .map(([k, v]) => wrap("member", el("Key", k) + el("Value", v)))
    .join("");
  return wrap("member", el("ResourceArn", arn) + wrap("Tags", members));
}

/** `backup`: the instance's automated-backup settings (rds-backups.ts); absent, none are rendered. */
export function renderDbInstance(item: EmulatedResource, malformed: boolean, backup?: AwsExpectedRdsBackup): string {
  const b = rdsBackupFields(backup);
  const identifier = item.extra.identifier ?? "";
  const engine = item.extra.engine ?? "postgres";
  const tags = Object.entries(item.tags)
    .map(([k, v]) => wrap("Tag", el("Key", k) + el("Value", v)))
    .join("");
  const port = engine.includes("postgres") ? 5432 : engine.startsWith("sqlserver") ? 1433 : engine.startsWith("oracle") ? 1521 : 3306;
  return wrap(
    "DBInstance",
    el("DBInstanceIdentifier", identifier) +
      el("DBInstanceClass", item.size) +
      el("Engine", engine) +
      (malformed ? "" : el("DBInstanceStatus", item.state)) +
      el("MasterUsername", "admin") +
      (item.state === "creating"
        ? ""
        : wrap("Endpoint", el("Address", `${identifier}.c0abcdef.${item.region}.rds.amazonaws.com`) + el("Port", port))) +
      el("AllocatedStorage", item.extra.storageGb) +
      el("InstanceCreateTime", item.state === "creating" ? undefined : item.createdAt) +
      b.window +
      b.retention +
      el("AvailabilityZone", item.zone) +
      el("MultiAZ", false) +
      el("EngineVersion", engine.includes("postgres") ? "16.3" : "8.0.36") +
      el("PubliclyAccessible", false) +
      el("StorageType", "gp3") +
      el("DbiResourceId", `db-${item.id.slice(-16).toUpperCase()}`) +
      el("DBInstanceArn", item.id) +
      b.restorable +
      wrap("TagList", tags) +
      b.replications,
  );
}

export function renderAssumeRole(input: {
  account: string;
  roleName: string;
  sessionName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}): string {
  return (
    wrap(
      "AssumedRoleUser",
      el("AssumedRoleId", `AROA${input.account}EXAMPLE:${input.sessionName}`) +
        el("Arn", `arn:aws:sts::${input.account}:assumed-role/${input.roleName}/${input.sessionName}`),
    ) +
    wrap(
      "Credentials",
      el("AccessKeyId", input.accessKeyId) +
        el("SecretAccessKey", input.secretAccessKey) +
        el("SessionToken", input.sessionToken) +
        el("Expiration", input.expiration),
    )
  );
}
