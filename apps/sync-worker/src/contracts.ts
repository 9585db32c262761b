// The integration layer may not import the database package, so it repeats the database's
// allowed values. Here, where both meet, the compiler checks that they agree: a value added on
// one side and not the other fails the build instead of a CHECK constraint at run time.
import type * as cloud from "@cloudsync/cloud";
import type * as db from "@cloudsync/db";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const contractsAgree: [
  Same<cloud.ResourceType, db.ResourceType>,
  Same<cloud.ResourceStatus, db.ResourceStatus>,
  Same<cloud.SizeCategory, db.SizeCategory>,
  Same<cloud.CostCategory, db.CostCategory>,
  Same<cloud.MetricKey, db.MetricKey>,
  // Every state a discovery reports can be stored; `left` is the database's own (the worker's verdict).
  Same<cloud.DiscoveredAccountState | "left", db.DiscoveredAccountState>,
  Same<cloud.DependencyType, db.DependencyType>,
  Same<cloud.DependencyStrength, db.DependencyStrength>,
  Same<cloud.ScalingAction, db.ScalingAction>,
  Same<cloud.ScalingTrigger, db.ScalingTrigger>,
  Same<cloud.DeploymentStatus, db.DeploymentStatus>,
  Same<cloud.TemplateFormat, db.TemplateFormat>,
  Same<cloud.TemplateType, db.TemplateType>,
  Same<cloud.BackupKind, db.BackupType>,
  Same<cloud.BackupFrequency, db.BackupFrequency>,
  Same<cloud.BackupExecutionStatus, db.BackupExecutionStatus>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
