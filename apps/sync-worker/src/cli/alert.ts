import { type AlertStatus, alertStatuses, infrastructureAlerts, severityLevels } from "@cloudsync/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { actingUser } from "./acting-user.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { printResult, printRows } from "./output.ts";
import { type OrgOptions, inOrganization, requireId } from "./tenant.ts";

/** `open` is what still needs someone: raised and not yet resolved. */
export const alertListStatuses = ["open", "all", ...alertStatuses] as const;
const openStatuses: AlertStatus[] = ["active", "acknowledged"];

export async function alertList(env: Env, opts: OrgOptions & { json: boolean; status: (typeof alertListStatuses)[number]; severity?: string | undefined; limit: number }): Promise<number> {
  const statuses = opts.status === "open" ? openStatuses : opts.status === "all" ? null : [opts.status];
  const rows = await inOrganization(env, opts, (tx) =>
    tx
      .select()
      .from(infrastructureAlerts)
      .where(and(statuses ? inArray(infrastructureAlerts.alertStatus, statuses) : undefined, opts.severity ? eq(infrastructureAlerts.severityLevel, opts.severity as (typeof severityLevels)[number]) : undefined))
      // Worst first: the severity list runs from info to emergency.
      .orderBy(sql`array_position(array[${sql.join(severityLevels.map((l) => sql`${l}`), sql`, `)}]::text[], ${infrastructureAlerts.severityLevel}) desc nulls last`, desc(infrastructureAlerts.triggeredAt))
      .limit(opts.limit),
  );
  printRows(opts.json, rows, {
    headers: ["id", "severity", "status", "type", "name", "triggered"],
    cells: (a) => [a.id, a.severityLevel ?? "", a.alertStatus ?? "", a.alertType, a.alertName, a.triggeredAt?.toISOString() ?? ""],
    empty: `no ${opts.status === "all" ? "" : `${opts.status} `}alerts`,
  });
  return 0;
}

/**
 * Moves one alert along its life: `ack` from active to acknowledged, `resolve` from active or
 * acknowledged to resolved. The row is locked first, so two people acknowledging at once get
 * one success and one "already acknowledged", never two attributions.
 */
async function transition(env: Env, id: string, opts: OrgOptions & { by?: string | undefined; notes?: string | undefined; json: boolean }, to: "acknowledged" | "resolved") {
  requireId("the alert", id, "cloudsync alert list");
  if (opts.notes !== undefined && opts.notes.trim() === "") throw new UsageError("--notes is empty: say what was done, or leave it out");
  const from: AlertStatus[] = to === "acknowledged" ? ["active"] : openStatuses;
  return inOrganization(env, opts, async (tx, org) => {
    const [alert] = await tx.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.id, id)).for("update");
    if (!alert) throw new CommandFailedError(`${org.slug} has no alert ${id}; \`cloudsync alert list --status all\` shows them. Nothing was written.`);
    if (!from.includes(alert.alertStatus as AlertStatus)) {
      throw new CommandFailedError(`alert ${id} is ${alert.alertStatus}, and only ${from.join(" or ")} alerts can be ${to}. Nothing was written.`);
    }
    const user = await actingUser(tx, org, opts.by);
    const now = new Date();
    const [updated] = await tx
      .update(infrastructureAlerts)
      .set(
        to === "acknowledged"
          ? { alertStatus: to, acknowledgedAt: now, acknowledgedBy: user.id }
          : { alertStatus: to, resolvedAt: now, resolvedBy: user.id, ...(opts.notes ? { resolutionNotes: opts.notes } : {}) },
      )
      .where(eq(infrastructureAlerts.id, id))
      .returning();
    return { alert: updated!, user };
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
