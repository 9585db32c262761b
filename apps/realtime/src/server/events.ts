import type { RealtimeEvent } from "@cloudsync/db";
import type { NotificationChannel, SubscriptionFilter } from "../protocol.ts";

/**
 * Whether an event of the subscriber's own organization matches one subscription. Everything a
 * filter needs is in the event row (the wedding-critical flag included), so matching never waits
 * on the database.
 */
export function matches(event: RealtimeEvent, channel: NotificationChannel, filter: SubscriptionFilter): boolean {
  if (event.channel !== channel) return false;
  if (filter.resourceId !== undefined && filter.resourceId.toLowerCase() !== event.resourceId?.toLowerCase()) return false;
  if (filter.severity !== undefined) {
    const severity = event.channel === "infrastructure_alert" ? event.payload.severity : null;
    if (severity === null || !filter.severity.includes(severity)) return false;
  }
  // An alert without a resource is not wedding-critical (the trigger records false).
  if (filter.weddingCriticalOnly && !event.isWeddingCritical) return false;
  return true;
}

/** The event message up to its subscription id, serialized once per event and shared by every subscriber. */
export function eventMessageHead(event: RealtimeEvent, resume: number): string {
  return `{"type":"event","channel":${JSON.stringify(event.channel)},"event":${JSON.stringify(event.payload)},"seq":${event.seq},"resume":${resume},"subscription":`;
}
