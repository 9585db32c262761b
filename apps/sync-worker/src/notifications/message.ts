import type { AlertEvent, InfrastructureAlert } from "@cloudsync/db";

/** What one delivery is about: an alert, what happened to it, and the channel it goes to. */
export interface DeliveryRequest {
  organizationId: string;
  alertId: string;
  event: AlertEvent;
  channel: string;
}

/**
 * The same on every attempt of one delivery, and sent with each, so a receiver can drop the
 * repeats an at-least-once sender makes. Also the delivery's BullMQ job id (no `:`: BullMQ
 * reserves it), so while that job exists, enqueueing it again adds nothing.
 */
export function idempotencyKey(request: Pick<DeliveryRequest, "alertId" | "event" | "channel">): string {
  return `${request.alertId}.${request.event}.${request.channel}`;
}

/** The alert as its receivers see it: snake_case, as the table and the realtime feed name things. */
export interface AlertMessage {
  event: AlertEvent;
  idempotency_key: string;
  alert: {
    id: string;
    organization_id: string;
    alert_name: string;
    alert_type: string;
    severity_level: string | null;
    alert_status: string | null;
    resource_id: string | null;
    provider_id: string | null;
    alert_conditions: Record<string, unknown>;
    current_values: Record<string, unknown> | null;
    wedding_day_escalation: boolean | null;
    triggered_at: string | null;
    acknowledged_at: string | null;
    resolved_at: string | null;
    resolution_notes: string | null;
  };
}

export function alertMessage(alert: InfrastructureAlert, event: AlertEvent, key: string): AlertMessage {
  return {
    event,
    idempotency_key: key,
    alert: {
      id: alert.id,
      organization_id: alert.organizationId,
      alert_name: alert.alertName,
      alert_type: alert.alertType,
      severity_level: alert.severityLevel,
      alert_status: alert.alertStatus,
      resource_id: alert.resourceId,
      provider_id: alert.providerId,
      alert_conditions: alert.alertConditions,
      current_values: alert.currentValues,
      wedding_day_escalation: alert.weddingDayEscalation,
      triggered_at: alert.triggeredAt?.toISOString() ?? null,
      acknowledged_at: alert.acknowledgedAt?.toISOString() ?? null,
      resolved_at: alert.resolvedAt?.toISOString() ?? null,
      resolution_notes: alert.resolutionNotes,
    },
  };
}

/** One line for people: chat messages and mail subjects. */
export function headline(message: AlertMessage): string {
  const a = message.alert;
  const what = message.event === "resolved" ? "RESOLVED" : (a.severity_level ?? "warning").toUpperCase();
  return `[${what}] ${a.alert_name}${a.wedding_day_escalation ? " (wedding day escalation)" : ""}`;
}

/** A few lines for people: the headline, the type, the figures, and the resolution if any. */
export function bodyText(message: AlertMessage): string {
  const a = message.alert;
  return [
    headline(message),
    `type: ${a.alert_type}; status: ${a.alert_status}; triggered: ${a.triggered_at}`,
    `current values: ${JSON.stringify(a.current_values ?? {})}`,
    ...(a.resolved_at ? [`resolved: ${a.resolved_at}${a.resolution_notes ? ` (${a.resolution_notes})` : ""}`] : []),
    `alert id: ${a.id}`,
  ].join("\n");
}
