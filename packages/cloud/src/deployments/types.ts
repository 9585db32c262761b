/**
 * Deployments as the clouds' own deployment services record them (CloudFormation stacks, ARM
 * resource-group deployments, GCP Infrastructure Manager deployments), normalized onto the
 * vocabulary of `infrastructure_deployments` and `infrastructure_templates`. The allowed values
 * mirror the CHECK lists of @cloudsync/db (the worker's contracts.ts checks that they agree).
 */
import type { CloudName, DependencyTargetKey, ScopeRef } from "../types.ts";

export const deploymentStatuses = ["pending", "validating", "provisioning", "deployed", "updating", "destroying", "failed", "rolled_back"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

export const templateTypes = ["application", "database", "network", "monitoring", "security", "complete_stack"] as const;
export type TemplateType = (typeof templateTypes)[number];

export const templateFormats = ["terraform", "cloudformation", "arm", "gcp_deployment", "kubernetes"] as const;
export type TemplateFormat = (typeof templateFormats)[number];

/** The template a deployment ran, as the cloud kept it. */
export interface DeploymentTemplate {
  format: TemplateFormat;
  /** The template's own description (CloudFormation `Description`, ARM `metadata.description`), if any. */
  description: string | null;
  /**
   * The template text as the cloud returned it (JSON or YAML for CloudFormation, the ARM JSON,
   * Infrastructure Manager's Terraform blueprint reference); empty when the cloud keeps none.
   */
  body: string;
  /** sha256 (hex) of `body`: two deployments of the same template share one template row. */
  contentHash: string;
}

/** One resource a deployment says it created, with the id our inventory knows it by. */
export interface DeployedResource {
  /** The provider id our inventory uses for it (an instance id, an ARN, an ARM id), or the value of `targetKey` in its configuration. */
  resourceId: string;
  /** Set when `resourceId` is a configuration field's value (a GCP self link) rather than the provider id. */
  targetKey?: DependencyTargetKey;
  /** The deployment service's type for it (`AWS::EC2::Instance`, `Microsoft.Compute/virtualMachines`, …). */
  type: string;
  /** Its name inside the template (CloudFormation's logical id), when there is one. */
  logicalId: string | null;
}

export interface NormalizedDeployment {
  cloud: CloudName;
  account: string;
  /** Where the deployment service ran it: the stack's region, the resource group's location, the Infra Manager location. */
  regionCode: string;
  /** The cloud's id of the deployment, verbatim (stack ARN, ARM deployment id, Infra Manager resource name). */
  deploymentId: string;
  name: string;
  status: DeploymentStatus;
  /** The cloud's own status word, verbatim (`UPDATE_ROLLBACK_COMPLETE`, `Succeeded`, `ACTIVE`). */
  cloudStatus: string;
  /** Why it is in that state, when the cloud says (a failed stack's reason, an ARM error message). */
  statusReason: string | null;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  /** ISO 8601, when the cloud says. */
  createdAt: string | null;
  updatedAt: string | null;
  /** How long the last run took, in seconds, when the cloud gives both ends. */
  durationSeconds: number | null;
  template: DeploymentTemplate;
  resources: DeployedResource[];
}

export type DeploymentEvent =
  | { type: "deployment_page"; scope: ScopeRef; deployments: NormalizedDeployment[] }
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

export interface DeploymentQuery {
  signal?: AbortSignal;
}

/** The deployment half of the contract: adapters that read a cloud's deployment service implement it. */
export interface DeploymentSource {
  /**
   * Streams the deployments of every account, following the scope protocol (one scope per
   * account × region for CloudFormation, per subscription for ARM, per project for Infra Manager,
   * kind `deployments`). A completed scope lists every deployment the service still has there.
   */
  streamDeployments(query?: DeploymentQuery): AsyncIterable<DeploymentEvent>;
}
