import type { StatusCheckSignal, StatusCheckState } from "../metrics/health.ts";

/** One `availabilityStatuses` item as the REST reference shapes it (the fields we read). */
export interface RawAvailabilityStatus {
  /** `<resourceId>/providers/Microsoft.ResourceHealth/availabilityStatuses/current`. */
  id?: string;
  properties?: { availabilityState?: string; reasonType?: string; summary?: string; title?: string };
}

const suffix = /\/providers\/microsoft\.resourcehealth\/availabilitystatuses\/[^/]+$/i;

/** The resource an availability status is about (its ARM id, as the inventory has it); null when the id has no such shape. */
export function resourceIdOfAvailability(id: string | undefined): string | null {
  if (!id || !suffix.test(id)) return null;
  return id.replace(suffix, "");
}

/**
 * Resource Health to our states (docs/health-and-costs.md): Available → ok, Degraded → degraded,
 * Unavailable → impaired, Unknown → no signal. Unavailable because someone stopped the resource
 * (reasonType UserInitiated, or the older "Customer Initiated") is not a failure either: no signal.
 */
export function normalizeAvailability(raw: RawAvailabilityStatus): StatusCheckSignal {
  const state = raw.properties?.availabilityState ?? "";
  const reason = (raw.properties?.reasonType ?? "").replace(/\s+/g, "").toLowerCase();
  const userStopped = reason === "userinitiated" || reason === "customerinitiated";
  const mapped: StatusCheckState =
    state === "Available" ? "ok" : state === "Degraded" ? "degraded" : state === "Unavailable" && !userStopped ? "impaired" : "no_data";
  const words = [state || "no state", raw.properties?.reasonType, raw.properties?.summary].filter(Boolean).join(": ");
  return { source: "azure_resource_health", state: mapped, detail: words };
}
