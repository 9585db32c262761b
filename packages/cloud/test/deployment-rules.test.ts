import { describe, expect, it } from "vitest";
import { armDeploymentStatuses, cloudFormationStatuses, deploymentStatusOf, infraManagerStatuses, templateHash, templateTypeOf } from "../src/deployments/rules.ts";
import { deploymentStatuses } from "../src/deployments/types.ts";

describe("deployment status tables", () => {
  it.each([
    // CloudFormation: a settled create or update is deployed; an undone update is rolled back;
    // a create that rolled back deployed nothing, so it failed.
    ["CloudFormation", cloudFormationStatuses, "CREATE_COMPLETE", "deployed"],
    ["CloudFormation", cloudFormationStatuses, "UPDATE_COMPLETE", "deployed"],
    ["CloudFormation", cloudFormationStatuses, "IMPORT_COMPLETE", "deployed"],
    ["CloudFormation", cloudFormationStatuses, "CREATE_IN_PROGRESS", "provisioning"],
    ["CloudFormation", cloudFormationStatuses, "REVIEW_IN_PROGRESS", "pending"],
    ["CloudFormation", cloudFormationStatuses, "UPDATE_IN_PROGRESS", "updating"],
    ["CloudFormation", cloudFormationStatuses, "UPDATE_ROLLBACK_IN_PROGRESS", "updating"],
    ["CloudFormation", cloudFormationStatuses, "UPDATE_ROLLBACK_COMPLETE", "rolled_back"],
    ["CloudFormation", cloudFormationStatuses, "IMPORT_ROLLBACK_COMPLETE", "rolled_back"],
    ["CloudFormation", cloudFormationStatuses, "ROLLBACK_COMPLETE", "failed"],
    ["CloudFormation", cloudFormationStatuses, "CREATE_FAILED", "failed"],
    ["CloudFormation", cloudFormationStatuses, "UPDATE_ROLLBACK_FAILED", "failed"],
    ["CloudFormation", cloudFormationStatuses, "DELETE_IN_PROGRESS", "destroying"],
    ["CloudFormation", cloudFormationStatuses, "DELETE_FAILED", "failed"],
    ["ARM", armDeploymentStatuses, "Succeeded", "deployed"],
    ["ARM", armDeploymentStatuses, "Accepted", "pending"],
    ["ARM", armDeploymentStatuses, "Running", "provisioning"],
    ["ARM", armDeploymentStatuses, "Updating", "updating"],
    ["ARM", armDeploymentStatuses, "Deleting", "destroying"],
    ["ARM", armDeploymentStatuses, "Failed", "failed"],
    ["ARM", armDeploymentStatuses, "Canceled", "failed"],
    ["Infra Manager", infraManagerStatuses, "ACTIVE", "deployed"],
    ["Infra Manager", infraManagerStatuses, "CREATING", "provisioning"],
    ["Infra Manager", infraManagerStatuses, "UPDATING", "updating"],
    ["Infra Manager", infraManagerStatuses, "DELETING", "destroying"],
    ["Infra Manager", infraManagerStatuses, "FAILED", "failed"],
    ["Infra Manager", infraManagerStatuses, "SUSPENDED", "failed"],
  ] as const)("%s %s → %s", (_cloud, table, word, status) => expect(deploymentStatusOf(table, word)).toBe(status));

  it.each([
    ["a word the table does not know", cloudFormationStatuses, "CREATE_SOMEDAY"],
    ["a word of another cloud", armDeploymentStatuses, "CREATE_COMPLETE"],
    ["the unspecified state", infraManagerStatuses, "STATE_UNSPECIFIED"],
    ["a prototype key", armDeploymentStatuses, "constructor"],
    ["nothing", cloudFormationStatuses, undefined],
  ] as const)("%s maps to nothing (the reader skips it)", (_name, table, word) => expect(deploymentStatusOf(table, word)).toBeNull());

  it("every table maps only to statuses the database allows", () => {
    for (const table of [cloudFormationStatuses, armDeploymentStatuses, infraManagerStatuses]) {
      for (const status of Object.values(table)) expect(deploymentStatuses).toContain(status);
    }
  });
});

describe("templateHash", () => {
  it("is the same for a JSON template however it is laid out", () =>
    expect(templateHash('{"b": 1, "a": {"y": [1, 2], "x": null}}')).toBe(templateHash('{\n  "a": { "x": null, "y": [1,2] },\n  "b": 1\n}')));
  it("differs when the content differs", () => expect(templateHash('{"a": 1}')).not.toBe(templateHash('{"a": 2}')));
  it("hashes YAML as written", () => expect(templateHash("Resources: {}\n")).not.toBe(templateHash("Resources:  {}\n")));
  it("hashes text that only looks like JSON as written", () => expect(templateHash("{ not json")).toMatch(/^[0-9a-f]{64}$/));
  it("is sha256 of the canonical text", () => expect(templateHash("{}")).toBe("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
});

describe("templateTypeOf", () => {
  it.each([
    ["only databases", ["AWS::RDS::DBInstance", "AWS::DynamoDB::Table"], "database"],
    ["databases with their role and alarm topic", ["AWS::RDS::DBInstance", "AWS::IAM::Role", "AWS::SNS::Topic"], "database"],
    ["a network", ["Microsoft.Network/virtualNetworks", "Microsoft.Network/networkSecurityGroups"], "network"],
    ["instances", ["AWS::EC2::Instance", "AWS::EC2::Volume"], "application"],
    ["instances behind a load balancer", ["AWS::EC2::Instance", "AWS::ElasticLoadBalancingV2::LoadBalancer"], "complete_stack"],
    ["VMs and a SQL database", ["Microsoft.Compute/virtualMachines", "Microsoft.Sql/servers/databases"], "complete_stack"],
    ["roles only", ["AWS::IAM::Role", "Microsoft.Authorization/roleAssignments"], "security"],
    ["alarms only", ["AWS::CloudWatch::Alarm"], "monitoring"],
    ["alarms and roles", ["AWS::CloudWatch::Alarm", "AWS::IAM::Role"], "security"],
    ["Terraform resources", ["google_sql_database_instance", "google_compute_network"], "complete_stack"],
    ["nothing", [], "application"],
  ] as const)("%s → %s", (_name, types, expected) => expect(templateTypeOf(types)).toBe(expected));
});
