import {
  AlertNotFoundError,
  AlertTransitionError,
  type AlertStatus,
  acknowledgeAlert,
  alertStatuses,
  listAlertDeliveries,
  listAlerts,
  openAlertStatuses,
  resolveAlert,
  type SeverityLevel,
} from "@cloudsync/db";
import type { Env } from "../env.ts";
import { actingUser } from "./acting-user.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { printResult, printRows } from "./output.ts";
import { type OrgOptions, inOrganization, requireId } from "./tenant.ts";

/** `open` is what still needs someone: raised and not yet resolved. */
export const alertListStatuses = ["open", "all", ...alertStatuses] as const;

export async function alertList(env: Env, opts: OrgOptions & { json: boolean; status: (typeof alertListStatuses)[number]; severity?: string | undefined; limit: number }): Promise<number> {
  const statuses: readonly AlertStatus[] | undefined = opts.status === "open" ? openAlertStatuses : opts.status === "all" ? undefined : [opts.status];
  const rows = await inOrganization(env, opts, (tx) => listAlerts(tx, { statuses, severity: opts.severity as SeverityLevel | undefined, limit: opts.limit }));
  printRows(opts.json, rows, {
    headers: ["id", "severity", "status", "type", "name", "triggered"],
    cells: (a) => [a.id, a.severityLevel ?? "", a.alertStatus ?? "", a.alertType, a.alertName, a.triggeredAt?.toISOString() ?? ""],
    empty: `no ${opts.status === "all" ? "" : `${opts.status} `}alerts`,
  });
  return 0;
}

/**
 * Moves one alert along its life through the typed helpers of @cloudsync/db: `ack` from active
 * to acknowledged, `resolve` from active or acknowledged to resolved. The helpers lock the row
 * first, so two people acknowledging at once get one success and one "already acknowledged".
 */
async function transition(env: Env, id: string, opts: OrgOptions & { by?: string | undefined; notes?: string | undefined; json: boolean }, to: "acknowledged" | "resolved") {
  requireId("the alert", id, "cloudsync alert list");
  if (opts.notes !== undefined && opts.notes.trim() === "") throw new UsageError("--notes is empty: say what was done, or leave it out");
  return inOrganization(env, opts, async (tx, org) => {
    const user = await actingUser(tx, org, opts.by);
    try {
      const alert =
        to === "acknowledged"
          ? await acknowledgeAlert(tx, { alertId: id, userId: user.id })
          : await resolveAlert(tx, { alertId: id, userId: user.id, notes: opts.notes });
      return { alert, user };
    } catch (error) {
      if (error instanceof AlertNotFoundError) {
        throw new CommandFailedError(`${org.slug} has no alert ${id}; \`cloudsync alert list --status all\` shows them. Nothing was written.`);
      }
      if (error instanceof AlertTransitionError) {
        throw new CommandFailedError(`alert ${id} is ${error.status}, and only ${error.from.join(" or ")} alerts can be ${to}. Nothing was written.`);
      }
      throw error;
    }
  });
}
export async function alertAck(env: Env, id: string, opts: OrgOptions & { by?: string | undefined; json: boolean }): Promise<number> {
  const { alert, user } = await transition(env, id, opts, "acknowledged");
  printResult(opts.json, alert, `acknowledged alert "${alert.alertName}" (${alert.id}) as ${user.label}`);
  return 0;
}

export async function alertResolve(env: Env, id: string, opts: OrgOptions & { by?: string | undefined; notes?: string | undefined; json: boolean }): Promise<number> {
  const { alert, user } = await transition(env, id, opts, "resolved");
  printResult(opts.json, alert, `resolved alert "${alert.alertName}" (${alert.id}) as ${user.label}`);
  return 0;
}

/** `alert deliveries <id>`: what was sent where, how each attempt ended (docs/alerts.md). */
export async function alertDeliveries(env: Env, id: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  requireId("the alert", id, "cloudsync alert list");
  const rows = await inOrganization(env, opts, (tx) => listAlertDeliveries(tx, { alertId: id }));
  printRows(opts.json, rows, {
    headers: ["attempted", "event", "channel", "type", "attempt", "status", "code", "error"],
    cells: (d) => [d.attemptedAt.toISOString(), d.event, d.channel, d.channelType ?? "", d.attempt, d.status, d.responseCode ?? "", d.error ?? ""],
    empty: `no delivery attempts for alert ${id} (none owed yet, or not yet handed over: the worker does after each sync and hourly)`,
  });
  return 0;
}
