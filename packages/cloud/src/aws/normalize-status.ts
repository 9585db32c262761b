import type { InstanceStatus, InstanceStatusSummary } from "@aws-sdk/client-ec2";
import type { StatusCheckSignal, StatusCheckState } from "../metrics/health.ts";
import type { ResourceStatusChecks } from "../types.ts";

/**
 * EC2's summary statuses to ours (docs/health-and-costs.md): `ok` passes, `impaired` fails;
 * `initializing`, `insufficient-data` and `not-applicable` say nothing yet, so they are no signal.
 * A status EC2 adds later is no signal either, rather than a guess.
 */
const states: Record<string, StatusCheckState> = {
  ok: "ok",
  impaired: "impaired",
  initializing: "no_data",
  "insufficient-data": "no_data",
  "not-applicable": "no_data",
};

function signal(source: string, summary: InstanceStatusSummary | undefined): StatusCheckSignal {
  const status = summary?.Status ?? "";
  const state = states[status] ?? "no_data";
  const failed = (summary?.Details ?? []).filter((d) => d.Status === "failed").map((d) => `${d.Name ?? "check"} failed`);
  const detail = state === "impaired" && failed.length > 0 ? failed.join(", ") : status || "no status";
  return { source, state, detail };
}

/** One DescribeInstanceStatus item; `undefined` when it names no instance. */
export function normalizeInstanceStatus(item: InstanceStatus, account: string): ResourceStatusChecks | undefined {
  if (!item.InstanceId) return undefined;
  return {
    cloud: "aws",
    account,
    resourceId: item.InstanceId,
    checks: [signal("ec2_system_status", item.SystemStatus), signal("ec2_instance_status", item.InstanceStatus)],
  };
}

// ---------------------------------------------------------------------------------------------
// Auto Scaling groups: capacity in service against the capacity asked for.

export const asgStatusSource = "asg_in_service";

/** The part of a DescribeAutoScalingGroups group the check reads. */
export interface AutoScalingGroupCapacity {
  AutoScalingGroupARN?: string | undefined;
  DesiredCapacity?: number | undefined;
  Status?: string | undefined;
  Instances?: readonly { LifecycleState?: string | undefined; HealthStatus?: string | undefined }[] | undefined;
}

/**
 * An Auto Scaling group's own word on itself (docs/health-and-costs.md): of its `Instances`, those
 * serving are `LifecycleState` `InService` with `HealthStatus` `Healthy` (an `Unhealthy` one is
 * about to be terminated and replaced). Against `DesiredCapacity`:
 *
 * - desired 0, or a group being deleted (`Status` set) → `no_data`: it is asked to serve nothing;
 * - serving ≥ desired → `ok`;
 * - none serving → `impaired`: the group serves nothing it was asked to;
 * - otherwise → `degraded`: it serves, short of what it was asked for (launching, replacing or
 *   failing to launch: the detail counts the pending and unhealthy ones).
 */
export function normalizeAutoScalingGroupCheck(group: AutoScalingGroupCapacity): StatusCheckSignal {
  const desired = group.DesiredCapacity;
  if (group.Status) return { source: asgStatusSource, state: "no_data", detail: group.Status };
  if (desired === undefined || desired <= 0) return { source: asgStatusSource, state: "no_data", detail: "desired capacity 0" };
  const instances = group.Instances ?? [];
  const serving = instances.filter((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy").length;
  const pending = instances.filter((i) => i.LifecycleState?.startsWith("Pending")).length;
  const unhealthy = instances.filter((i) => i.HealthStatus === "Unhealthy").length;
  const detail = `${serving} of ${desired} desired in service${pending > 0 ? `, ${pending} pending` : ""}${unhealthy > 0 ? `, ${unhealthy} unhealthy` : ""}`;
  if (serving >= desired) return { source: asgStatusSource, state: "ok", detail };
  return { source: asgStatusSource, state: serving === 0 ? "impaired" : "degraded", detail };
}
