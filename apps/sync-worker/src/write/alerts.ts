import { type DbOrTx, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { AlertCandidate, RuleResult } from "../alerts/rules/index.ts";

export interface AlertWriteCounts {
  /** Ids of the alerts this pass opened. */
  raised: string[];
  /** Open alerts whose condition still holds: their severity, name and figures were brought up to date. */
  kept: number;
  /** Ids of the alerts this pass resolved because their condition cleared. */
  resolved: string[];
}

const uuidArray = (ids: Iterable<string>) => sql`${`{${[...ids].join(",")}}`}::uuid[]`;

/**
 * Brings one organization's open alerts in line with what the rules found, one rule at a time:
 * a candidate with no open alert of its type on its resource raises one, a candidate with one
 * keeps it (severity, name and current values follow the latest figures), and an open alert of
 * the rule's type on a resource the rule judged without a candidate is resolved automatically,
 * its `resolution_notes` saying which condition cleared. "One open alert per resource and type"
 * is the partial unique index the insert upserts on, so two workers judging the same resource at
 * once cannot both raise one. Run inside `withOrganization` for `organizationId`.
 */
export async function reconcileAlerts(
  tx: DbOrTx,
  organizationId: string,
  results: readonly RuleResult[],
  options: { now: Date; channelsFor: (candidate: AlertCandidate) => string[] },
): Promise<AlertWriteCounts> {
  const counts: AlertWriteCounts = { raised: [], kept: 0, resolved: [] };
  for (const result of results) {
    if (result.candidates.length > 0) {
      const rows = result.candidates.map((c) => ({
        resource: c.resourceId,
        provider: c.providerId,
        name: c.name.slice(0, 200),
        severity: c.severity,
        conditions: c.conditions,
        current: c.currentValues,
        channels: options.channelsFor(c),
        wedding: c.weddingDayEscalation,
      }));
      const written = await queryRows<{ id: string; inserted: boolean }>(
        tx,
        sql`insert into infrastructure_alerts as a (organization_id, alert_name, alert_type, severity_level, resource_id, provider_id,
                                                    alert_conditions, current_values, notification_channels, recipient_list,
                                                    wedding_day_escalation, triggered_at)
            select ${organizationId}::uuid, x.name, ${result.alertType}, x.severity, x.resource, x.provider, x.conditions, x.current,
                   x.channels, '[]'::jsonb, x.wedding, ${options.now.toISOString()}::timestamptz
              from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                   as x(resource uuid, provider uuid, name text, severity text, conditions jsonb, current jsonb, channels jsonb, wedding boolean)
            on conflict (organization_id, resource_id, alert_type) where resource_id is not null and alert_status in ('active', 'acknowledged')
            do update set severity_level = excluded.severity_level, alert_name = excluded.alert_name,
                          current_values = excluded.current_values, alert_conditions = excluded.alert_conditions
            returning a.id, (a.xmax = 0) as inserted`,
      );
      for (const w of written) {
        if (w.inserted) counts.raised.push(w.id);
        else counts.kept++;
      }
    }
    if (result.judged.size === 0) continue;
    const stillTrue = result.candidates.map((c) => c.resourceId);
    const note = `Resolved automatically at ${options.now.toISOString()}: ${result.clearedNote}.`;
    const resolved = await queryRows<{ id: string }>(
      tx,
      sql`update infrastructure_alerts
             set alert_status = 'resolved', resolved_at = ${options.now.toISOString()}::timestamptz, resolution_notes = ${note}
           where organization_id = ${organizationId}::uuid and alert_type = ${result.alertType}
             and alert_status in ('active', 'acknowledged')
             and resource_id = any(${uuidArray(result.judged)})
             and not (resource_id = any(${uuidArray(stillTrue)}))
          returning id`,
    );
    counts.resolved.push(...resolved.map((r) => r.id));
  }
  return counts;
}
