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
