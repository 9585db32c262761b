import type { Sql } from "postgres";
import type { DbOrTx } from "./client.ts";
import { createEventReader, realtimeEventsChannel } from "./events.ts";
import type { ResourceStatus } from "./schema/resources.ts";
import type { AlertType, SeverityLevel } from "./schema/monitoring.ts";

/** Payload of `infrastructure_change`, recorded when a resource's status changes. */
export interface ResourceStatusChangeEvent {
  type: "resource_status_change";
  resource_id: string;
  provider_id: string;
  old_status: ResourceStatus | null;
  new_status: ResourceStatus | null;
  organization_id: string;
  changed_at: string;
}

/** Payload of `infrastructure_alert`, recorded when an alert is raised. */
export interface NewAlertEvent {
  type: "new_alert";
  alert_id: string;
  severity: SeverityLevel | null;
  alert_type: AlertType;
  resource_id: string | null;
  organization_id: string;
  triggered_at: string;
}

export interface NotificationPayloads {
  infrastructure_change: ResourceStatusChangeEvent;
  infrastructure_alert: NewAlertEvent;
}
export type NotificationChannel = keyof NotificationPayloads;
export const notificationChannels = ["infrastructure_change", "infrastructure_alert"] as const satisfies readonly NotificationChannel[];

export type ListenFn = <C extends NotificationChannel>(
  channel: C,
  onEvent: (event: NotificationPayloads[C]) => void,
  onError?: (error: Error) => void,
) => Promise<() => Promise<void>>;

function assertChannel(channel: string): void {
  if (!(notificationChannels as readonly string[]).includes(channel)) {
    throw new TypeError(`unknown channel ${JSON.stringify(channel)}; use one of ${notificationChannels.join(", ")}`);
  }
}

/**
 * Subscribes to a channel of the change feed: LISTEN for the wake-up calls of
 * `realtimeEventsChannel`, and on each one read the new rows of `realtime_events` with this
 * handle's privileges (the owner and `cloudsync_realtime` see every organization's, a tenant
 * role only its own). The NOTIFY payload is not trusted: a forged one causes a read, no event.
 */
function listenThroughOutbox(
  listenRaw: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>,
  db: DbOrTx,
): ListenFn {
  return async (channel, onEvent, onError) => {
    assertChannel(channel);
    const reader = createEventReader(db);
    let reading = false;
    let again = false;
    let stopped = false;
    const drain = async () => {
      // Before start() the reader has no position; start() itself covers what came before.
      if (!reader.started) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (;;) {
            const { events, more } = await reader.read();
            for (const event of events) if (!stopped && event.channel === channel) onEvent(event.payload as NotificationPayloads[typeof channel]);
            if (!more) break;
          }
        } while (again && !stopped);
      } catch (cause) {
        onError?.(new Error(`reading realtime_events for ${channel} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }));
      } finally {
        reading = false;
      }
    };
    const unlisten = await listenRaw(realtimeEventsChannel, () => void drain());
    await reader.start();
    void drain();
    return async () => {
      stopped = true;
      await unlisten();
    };
  };
}

export function listenPostgres(client: Sql, db: DbOrTx): ListenFn {
  return listenThroughOutbox(async (channel, onNotify) => {
    const { unlisten } = await client.listen(channel, onNotify);
    return unlisten;
  }, db);
}

/**
 * The one PGlite method this module uses, typed here rather than imported, so the published
 * declarations do not name `@electric-sql/pglite`, which applications may not have installed.
 */
export interface PgliteListener {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

export function listenPglite(client: PgliteListener, db: DbOrTx): ListenFn {
  return listenThroughOutbox((channel, onNotify) => client.listen(channel, onNotify), db);
}
