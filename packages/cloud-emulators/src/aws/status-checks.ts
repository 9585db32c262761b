import { createRng } from "../rng.ts";
import type { EmulatedResource } from "./model.ts";
import { el, wrap } from "./xml.ts";

/**
 * EC2 status checks (DescribeInstanceStatus) of the emulated instances, derived from (seed,
 * instance index) so they are the same on every call. Most running instances pass both checks;
 * a few have an impaired system or instance check (reachability failed), a few are still
 * initializing, a few report insufficient data. Instances that are not running have no checks
 * ("not-applicable") and are listed only with IncludeAllInstances, as on EC2.
 */

export type Ec2CheckStatus = "ok" | "impaired" | "initializing" | "insufficient-data" | "not-applicable";

export interface AwsExpectedInstanceStatus {
  account: string;
  region: string;
  instanceId: string;
  system: Ec2CheckStatus;
  instance: Ec2CheckStatus;
}

export function instanceStatusOf(seedHash: number, item: EmulatedResource): { system: Ec2CheckStatus; instance: Ec2CheckStatus } {
  if (item.state !== "running") return { system: "not-applicable", instance: "not-applicable" };
  const roll = createRng((seedHash ^ Math.imul(item.index + 29, 0x27d4eb2f)) >>> 0).next();
  if (roll < 0.04) return { system: "impaired", instance: "ok" };
  if (roll < 0.08) return { system: "ok", instance: "impaired" };
  if (roll < 0.11) return { system: "initializing", instance: "initializing" };
  if (roll < 0.13) return { system: "insufficient-data", instance: "insufficient-data" };
  return { system: "ok", instance: "ok" };
}

/** The `details` item's status for a summary status (reachability is the only check EC2 names). */
const detailStatus: Record<Ec2CheckStatus, string | undefined> = {
  ok: "passed",
  impaired: "failed",
  initializing: "initializing",
  "insufficient-data": "insufficient-data",
  "not-applicable": undefined,
};

function summary(name: "systemStatus" | "instanceStatus", status: Ec2CheckStatus, since: string): string {
  const detail = detailStatus[status];
  const details = detail
    ? wrap("details", wrap("item", el("name", "reachability") + el("status", detail) + (status === "impaired" ? el("impairedSince", since) : "")))
    : "";
  return wrap(name, el("status", status) + details);
}

const stateCodes: Record<string, number> = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

/** One `instanceStatusSet` item, element names as the EC2 API reference gives them. */
export function renderInstanceStatus(item: EmulatedResource, status: { system: Ec2CheckStatus; instance: Ec2CheckStatus }, since: string): string {
  return wrap(
    "item",
    el("instanceId", item.id) +
      el("availabilityZone", item.zone) +
      wrap("instanceState", el("code", stateCodes[item.state] ?? 0) + el("name", item.state)) +
      summary("systemStatus", status.system, since) +
      summary("instanceStatus", status.instance, since),
  );
}

// ---------------------------------------------------------------------------------------------
// Auto Scaling groups' instances (DescribeAutoScalingGroups `Instances[]`).

/** One instance of a group as DescribeAutoScalingGroups lists it (LifecycleState, HealthStatus). */
export interface AwsGroupInstance {
  instanceId: string;
  lifecycleState: "InService" | "Pending";
  healthStatus: "Healthy" | "Unhealthy";
}

export interface AwsExpectedGroupCapacity {
  account: string;
  region: string;
  groupArn: string;
  desired: number;
  /** Instances InService and Healthy. */
  serving: number;
}

/**
 * The instances of an emulated group, derived from (seed, group index) so they are the same on
 * every call: most groups have every listed instance InService and Healthy; a few are launching
 * one (its last instance Pending), a few have one marked Unhealthy (Auto Scaling is about to
 * replace it), a few are failing to launch (every instance Pending). A group lists at most six
 * instances (the generator's cap), so one asked for seven is short of one, as while scaling out.
 */
export function autoScalingInstancesOf(seedHash: number, item: EmulatedResource): AwsGroupInstance[] {
  const ids = item.extra.instanceIds ? (item.extra.instanceIds as string).split(",") : [];
  const roll = createRng((seedHash ^ Math.imul(item.index + 31, 0x165667b1)) >>> 0).next();
  return ids.map((instanceId, n) => {
    const last = n === ids.length - 1;
    if (roll < 0.06 || (roll < 0.14 && last)) return { instanceId, lifecycleState: "Pending", healthStatus: "Healthy" };
    if (roll < 0.22 && last) return { instanceId, lifecycleState: "InService", healthStatus: "Unhealthy" };
    return { instanceId, lifecycleState: "InService", healthStatus: "Healthy" };
  });
}
