import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import { CloudsyncDbError, InvalidInputError } from "../errors.ts";
import { type AlertStatus, type SeverityLevel, infrastructureAlerts, openAlertStatuses, severityLevels } from "../schema/monitoring.ts";
import { alertDeliveries } from "../schema/notifications.ts";
import type { AlertDelivery, InfrastructureAlert } from "../types.ts";
import { requireIntegerInRange, requireUuid } from "../validate.ts";

/** The alert does not exist in the transaction's organization; nothing was written. */
export class AlertNotFoundError extends CloudsyncDbError {
  constructor(readonly alertId: string) {
    super(`no alert ${alertId} in this organization (list them with \`cloudsync alert list --status all\`); nothing was written`);
  }
}

/** The alert is not in a status the requested change starts from; nothing was written. */
export class AlertTransitionError extends CloudsyncDbError {
  constructor(
    readonly alertId: string,
    readonly status: string | null,
    readonly to: "acknowledged" | "resolved",
    readonly from: readonly AlertStatus[],
  ) {
    super(`alert ${alertId} is ${status ?? "without a status"}, and only ${from.join(" or ")} alerts can be ${to}; nothing was written`);
  }
}

export interface ListAlertsParams {
  /** Only these statuses (default: every status). */
  statuses?: readonly AlertStatus[] | undefined;
  severity?: SeverityLevel | undefined;
  resourceId?: string | undefined;
  /** 1–10 000, default 100. */
  limit?: number | undefined;
}

/** The transaction's organization's alerts, worst severity first, newest first within one. Call inside `withOrganization`. */
export function listAlerts(db: DbOrTx, params: ListAlertsParams = {}): Promise<InfrastructureAlert[]> {
  const limit = requireIntegerInRange("limit", params.limit ?? 100, 1, 10_000);
  const resourceId = params.resourceId === undefined ? undefined : requireUuid("resourceId", params.resourceId);
  if (params.severity !== undefined && !severityLevels.includes(params.severity)) {
    throw new InvalidInputError("severity", `expected one of ${severityLevels.join(", ")}`);
  }
  const a = infrastructureAlerts;
  return db
    .select()
    .from(a)
    .where(
      and(
        params.statuses ? inArray(a.alertStatus, [...params.statuses]) : undefined,
        params.severity ? eq(a.severityLevel, params.severity) : undefined,
        resourceId ? eq(a.resourceId, resourceId) : undefined,
      ),
    )
    // The severity list runs from info to emergency.
    .orderBy(sql`array_position(array[${sql.join(severityLevels.map((l) => sql`${l}`), sql`, `)}]::text[], ${a.severityLevel}) desc nulls last`, desc(a.triggeredAt))
    .limit(limit);
}

export interface AcknowledgeAlertParams {
  alertId: string;
  /** The user who takes it on (a `user_profiles` id of the same organization). */
  userId: string;
  at?: Date | undefined;
}

/**
 * Active → acknowledged, recording who and when. The row is locked first, so two people
 * acknowledging at once get one success and one {@link AlertTransitionError}, never two
 * attributions. Call inside `withOrganization`.
 */
export async function acknowledgeAlert(db: DbOrTx, params: AcknowledgeAlertParams): Promise<InfrastructureAlert> {
  const alertId = requireUuid("alertId", params.alertId);
  const userId = requireUuid("userId", params.userId);
  await lockInStatus(db, alertId, "acknowledged", ["active"]);
  const [row] = await db
    .update(infrastructureAlerts)
    .set({ alertStatus: "acknowledged", acknowledgedAt: params.at ?? new Date(), acknowledgedBy: userId })
    .where(eq(infrastructureAlerts.id, alertId))
    .returning();
  return row!;
}

export interface ResolveAlertParams {
  alertId: string;
  /** Who resolved it; null when the condition cleared by itself (the alert writer). */
  userId: string | null;
  /** What was done, or why the condition cleared. */
  notes?: string | undefined;
  at?: Date | undefined;
}

/** Active or acknowledged → resolved, recording who (if anyone), when and why. Call inside `withOrganization`. */
export async function resolveAlert(db: DbOrTx, params: ResolveAlertParams): Promise<InfrastructureAlert> {
  const alertId = requireUuid("alertId", params.alertId);
  const userId = params.userId === null ? null : requireUuid("userId", params.userId);
  if (params.notes !== undefined && params.notes.trim() === "") throw new InvalidInputError("notes", "empty: say what was done, or leave it out");
  await lockInStatus(db, alertId, "resolved", openAlertStatuses);
  const [row] = await db
    .update(infrastructureAlerts)
    .set({ alertStatus: "resolved", resolvedAt: params.at ?? new Date(), resolvedBy: userId, ...(params.notes ? { resolutionNotes: params.notes } : {}) })
    .where(eq(infrastructureAlerts.id, alertId))
    .returning();
  return row!;
}

/** Every delivery attempt of an alert, newest first. Call inside `withOrganization`. */
export function listAlertDeliveries(db: DbOrTx, params: { alertId: string }): Promise<AlertDelivery[]> {
  const alertId = requireUuid("alertId", params.alertId);
  return db.select().from(alertDeliveries).where(eq(alertDeliveries.alertId, alertId)).orderBy(desc(alertDeliveries.attemptedAt));
}

async function lockInStatus(db: DbOrTx, alertId: string, to: "acknowledged" | "resolved", from: readonly AlertStatus[]): Promise<void> {
  const [alert] = await db
    .select({ status: infrastructureAlerts.alertStatus })
    .from(infrastructureAlerts)
    .where(eq(infrastructureAlerts.id, alertId))
    .for("update");
  if (!alert) throw new AlertNotFoundError(alertId);
  if (!from.includes(alert.status as AlertStatus)) throw new AlertTransitionError(alertId, alert.status, to, from);
}
