import type { Sql } from "postgres";
import type { ResourceStatus } from "./schema/resources.ts";
import type { AlertType, SeverityLevel } from "./schema/monitoring.ts";

/** Payload of `infrastructure_change`, sent when a resource's status changes. */
export interface ResourceStatusChangeEvent {
  type: "resource_status_change";
  resource_id: string;
  provider_id: string;
  old_status: ResourceStatus | null;
  new_status: ResourceStatus | null;
  organization_id: string;
  changed_at: string;
}

/** Payload of `infrastructure_alert`, sent when an alert is raised. */
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

function parser<C extends NotificationChannel>(
  channel: C,
  onEvent: (event: NotificationPayloads[C]) => void,
  onError?: (error: Error) => void,
) {
  return (payload: string) => {
    try {
      onEvent(JSON.parse(payload) as NotificationPayloads[C]);
    } catch (cause) {
      onError?.(new Error(`unreadable payload on ${channel}: ${payload.slice(0, 200)}`, { cause }));
    }
  };
}

function assertChannel(channel: string): void {
  if (!(notificationChannels as readonly string[]).includes(channel)) {
    throw new TypeError(`unknown channel ${JSON.stringify(channel)}; use one of ${notificationChannels.join(", ")}`);
  }
}

export function listenPostgres(client: Sql): ListenFn {
  return async (channel, onEvent, onError) => {
    assertChannel(channel);
    const { unlisten } = await client.listen(channel, parser(channel, onEvent, onError));
    return unlisten;
  };
}

/**
 * The one PGlite method this module uses, typed here rather than imported, so the published
 * declarations do not name `@electric-sql/pglite`, which applications may not have installed.
 */
export interface PgliteListener {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

export function listenPglite(client: PgliteListener): ListenFn {
  return async (channel, onEvent, onError) => {
    assertChannel(channel);
    return client.listen(channel, parser(channel, onEvent, onError));
  };
}
