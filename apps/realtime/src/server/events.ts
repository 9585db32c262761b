import type { NewAlertEvent, ResourceStatusChangeEvent } from "@cloudsync/db";
import { z } from "zod";
import type { NotificationChannel, NotificationPayloads } from "../protocol.ts";

// What fan-out relies on is checked; the rest of the trigger's payload passes through untouched,
// so a column added to the payload later reaches clients without a change here.
const uuid = z.guid();
const statusChange = z.looseObject({
  type: z.literal("resource_status_change"),
  resource_id: uuid,
  organization_id: uuid,
});
const newAlert = z.looseObject({
  type: z.literal("new_alert"),
  alert_id: uuid,
  resource_id: uuid.nullable(),
  organization_id: uuid,
  severity: z.string().nullable(),
});

export type ParsedEvent = { [C in NotificationChannel]: { channel: C; event: NotificationPayloads[C] } }[NotificationChannel];

/** A notification's payload, or why it cannot be used. */
export function parseNotification(channel: NotificationChannel, payload: string): { ok: true; value: ParsedEvent } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, error: "payload is not JSON" };
  }
  if (channel === "infrastructure_change") {
    const result = statusChange.safeParse(raw);
    if (!result.success) return { ok: false, error: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
    const event = result.data as unknown as ResourceStatusChangeEvent;
    event.organization_id = event.organization_id.toLowerCase();
    return { ok: true, value: { channel, event } };
  }
  const result = newAlert.safeParse(raw);
  if (!result.success) return { ok: false, error: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const event = result.data as unknown as NewAlertEvent;
  event.organization_id = event.organization_id.toLowerCase();
  return { ok: true, value: { channel, event } };
}

/** The resource an event is about, if any. */
export function eventResourceId(parsed: ParsedEvent): string | null {
  return parsed.event.resource_id;
}
