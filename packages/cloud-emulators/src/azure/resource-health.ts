import { createRng } from "../rng.ts";
import type { EstateItem } from "./estate.ts";

/**
 * Azure Resource Health's current availability of the emulated VMs (`GET /subscriptions/{id}/
 * providers/Microsoft.ResourceHealth/availabilityStatuses`), derived from (seed, VM id) so it is
 * the same on every call. A running VM is mostly Available, sometimes Degraded or Unavailable
 * for an unplanned platform reason, sometimes Unknown; a stopped or deallocated VM is
 * Unavailable because its user stopped it (reasonType UserInitiated), as Azure reports it.
 */

export type AvailabilityState = "Available" | "Degraded" | "Unavailable" | "Unknown";

export interface ExpectedAvailability {
  resourceId: string;
  availabilityState: AvailabilityState;
  reasonType: string;
}

export function availabilityOf(seed: number | string, item: EstateItem): ExpectedAvailability {
  const power = item.vm?.powerState ?? null;
  if (power === null) return { resourceId: item.id, availabilityState: "Unknown", reasonType: "" };
  if (power !== "running") return { resourceId: item.id, availabilityState: "Unavailable", reasonType: "UserInitiated" };
  const roll = createRng(`${seed}:health:${item.id.toLowerCase()}`).next();
  if (roll < 0.05) return { resourceId: item.id, availabilityState: "Degraded", reasonType: "Unplanned" };
  if (roll < 0.09) return { resourceId: item.id, availabilityState: "Unavailable", reasonType: "Unplanned" };
  if (roll < 0.11) return { resourceId: item.id, availabilityState: "Unknown", reasonType: "" };
  return { resourceId: item.id, availabilityState: "Available", reasonType: "" };
}

const summaries: Record<AvailabilityState, string> = {
  Available: "There aren't any known Azure platform problems affecting this virtual machine.",
  Degraded: "We're sorry, your virtual machine's performance is degraded while Azure recovers a host issue.",
  Unavailable: "We're sorry, your virtual machine isn't available because of connectivity loss to the host.",
  Unknown: "We are currently unable to determine the health of this virtual machine.",
};

/** One item of `availabilityStatusListResult.value`, fields as the REST reference names them. */
export function renderAvailabilityStatus(item: EstateItem, status: ExpectedAvailability): Record<string, unknown> {
  const stopped = status.reasonType === "UserInitiated";
  const properties: Record<string, unknown> = {
    availabilityState: status.availabilityState,
    title: stopped ? "Stopped and deallocated" : status.availabilityState,
    summary: stopped ? "This virtual machine is stopped and deallocated as requested by an authorized user or process." : summaries[status.availabilityState],
    reasonChronicity: "Persistent",
    occuredTime: item.changedTime,
    reportedTime: item.changedTime,
  };
  if (status.reasonType) properties.reasonType = status.reasonType;
  return {
    id: `${item.id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
    name: "current",
    type: "Microsoft.ResourceHealth/AvailabilityStatuses",
    location: item.location,
    properties,
  };
}
