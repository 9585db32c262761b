import { createHash } from "node:crypto";
import type { DeploymentStatus, TemplateType } from "./types.ts";

/**
 * The rules that turn what a deployment service says into our vocabulary, one table per cloud
 * (docs/coverage.md, "Deployments"). Pure, table-tested in test/deployment-rules.test.ts.
 *
 * Two choices hold across the tables: `rolled_back` means an update was undone and the version
 * before it stands again, while a *create* that rolled back deployed nothing, so it is `failed`;
 * a rollback still running is `updating` (resources are still changing). A state a table does
 * not know maps to null: the reader skips that item rather than guess.
 */

/** CloudFormation `StackStatus` (the API reference's full enum). */
export const cloudFormationStatuses: Readonly<Record<string, DeploymentStatus>> = {
  REVIEW_IN_PROGRESS: "pending",
  CREATE_IN_PROGRESS: "provisioning",
  CREATE_COMPLETE: "deployed",
  CREATE_FAILED: "failed",
  ROLLBACK_IN_PROGRESS: "failed",
  ROLLBACK_COMPLETE: "failed",
  ROLLBACK_FAILED: "failed",
  UPDATE_IN_PROGRESS: "updating",
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: "updating",
  UPDATE_COMPLETE: "deployed",
  UPDATE_FAILED: "failed",
  UPDATE_ROLLBACK_IN_PROGRESS: "updating",
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: "updating",
  UPDATE_ROLLBACK_COMPLETE: "rolled_back",
  UPDATE_ROLLBACK_FAILED: "failed",
  IMPORT_IN_PROGRESS: "provisioning",
  IMPORT_COMPLETE: "deployed",
  IMPORT_ROLLBACK_IN_PROGRESS: "updating",
  IMPORT_ROLLBACK_COMPLETE: "rolled_back",
  IMPORT_ROLLBACK_FAILED: "failed",
  DELETE_IN_PROGRESS: "destroying",
  DELETE_FAILED: "failed",
  // The vocabulary has no "destroyed"; DescribeStacks without a stack name never lists these.
  DELETE_COMPLETE: "destroying",
};

/** ARM `properties.provisioningState` of a deployment (ProvisioningState in the Resources API). */
export const armDeploymentStatuses: Readonly<Record<string, DeploymentStatus>> = {
  NotSpecified: "pending",
  Accepted: "pending",
  Ready: "validating",
  Running: "provisioning",
  Creating: "provisioning",
  Created: "deployed",
  Succeeded: "deployed",
  Updating: "updating",
  Deleting: "destroying",
  Deleted: "destroying",
  Canceled: "failed",
  Failed: "failed",
};

/** Infrastructure Manager `Deployment.state` (config.googleapis.com v1). */
export const infraManagerStatuses: Readonly<Record<string, DeploymentStatus>> = {
  CREATING: "provisioning",
  ACTIVE: "deployed",
  UPDATING: "updating",
  DELETING: "destroying",
  DELETED: "destroying",
  FAILED: "failed",
  // Suspended: Infra Manager stopped acting on it after a failed or cancelled operation.
  SUSPENDED: "failed",
};

/** Our status of a cloud's status word, or null when the table does not know it. */
export function deploymentStatusOf(table: Readonly<Record<string, DeploymentStatus>>, cloudStatus: string | undefined | null): DeploymentStatus | null {
  if (!cloudStatus || !Object.hasOwn(table, cloudStatus)) return null;
  return table[cloudStatus] ?? null;
}

/**
 * sha256 (hex) of a template. A JSON template is hashed in a canonical form (keys sorted, no
 * whitespace), so the same template pretty-printed differently is still one template; any
 * other text (YAML, a Terraform blueprint reference) is hashed as written.
 */
export function templateHash(body: string): string {
  let canonical = body;
  const trimmed = body.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      canonical = JSON.stringify(sortKeys(JSON.parse(body)));
    } catch {
      // Not JSON after all (a YAML flow mapping): hash the text as written.
    }
  }
  return createHash("sha256").update(canonical).digest("hex");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Seconds between two ISO instants, or null when either is missing or they are out of order. */
export function secondsBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : null;
}

/**
 * What a resource type is, for the template type rule: matched on the deployment service's own
 * type name (`AWS::RDS::DBInstance`, `Microsoft.Network/virtualNetworks`,
 * `google_sql_database_instance`). Anything unmatched is an application resource.
 */
const resourceTypeCategories: ReadonlyArray<readonly [Exclude<TemplateType, "complete_stack" | "application">, RegExp]> = [
  ["security", /IAM|KMS|SecretsManager|SecurityGroup|Authorization|KeyVault|ManagedIdentity|_iam_|_kms_|firewall/i],
  ["monitoring", /CloudWatch|::SNS::|::Logs::|Microsoft\.Insights|OperationalInsights|_monitoring_|_logging_/i],
  ["database", /::RDS::|DynamoDB|ElastiCache|Redshift|DocumentDB|Microsoft\.Sql|DBfor|DocumentDB|Microsoft\.Cache|_sql_|spanner|bigtable|redis/i],
  ["network", /::EC2::(VPC|Subnet|RouteTable|InternetGateway|NatGateway|EIP|TransitGateway)|ElasticLoadBalancing|Route53|CloudFront|Microsoft\.Network|_network|_subnetwork|_router|forwarding_rule|_dns_/i],
];

/**
 * The template type of a deployment from the types of the resources it created: the one
 * category they share (database, network; security or monitoring only when nothing else is
 * there, since nearly every template carries a role or an alarm beside its real content);
 * `complete_stack` when they span several of application, database and network;
 * `application` when nothing is known.
 */
export function templateTypeOf(resourceTypes: readonly string[]): TemplateType {
  const found = new Set<TemplateType>();
  for (const type of resourceTypes) found.add(resourceTypeCategories.find(([, pattern]) => pattern.test(type))?.[0] ?? "application");
  const main = [...found].filter((c) => c !== "security" && c !== "monitoring");
  if (main.length > 1) return "complete_stack";
  if (main.length === 1) return main[0] as TemplateType;
  if (found.has("security")) return "security";
  if (found.has("monitoring")) return "monitoring";
  return "application";
}
