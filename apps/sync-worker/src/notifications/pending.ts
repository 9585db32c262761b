import { type DbOrTx, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { DeliveryRequest } from "./message.ts";

/**
 * The deliveries an organization still owes: for each alert raised (or resolved) since `since`,
 * each of its `notification_channels` without a final attempt (`delivered` or
 * `undeliverable`) of that event. Whoever raised or resolved the alert — a rule, a budget, a
 * person with the CLI — this is how it gets delivered, so nothing depends on an enqueue that
 * happened to fail. Run inside `withOrganization`.
 */
export function pendingDeliveries(tx: DbOrTx, organizationId: string, since: Date): Promise<DeliveryRequest[]> {
  return queryRows<DeliveryRequest>(
    tx,
    sql`with events as (
          select a.id, 'raised' as event, ch.name as channel, a.triggered_at as at
            from infrastructure_alerts a, jsonb_array_elements_text(coalesce(a.notification_channels, '[]'::jsonb)) as ch(name)
           where a.organization_id = ${organizationId}::uuid and a.triggered_at >= ${since.toISOString()}::timestamptz
          union all
          select a.id, 'resolved', ch.name, a.resolved_at
            from infrastructure_alerts a, jsonb_array_elements_text(coalesce(a.notification_channels, '[]'::jsonb)) as ch(name)
           where a.organization_id = ${organizationId}::uuid and a.alert_status = 'resolved'
             and a.resolved_at >= ${since.toISOString()}::timestamptz
        )
        select ${organizationId}::text as "organizationId", e.id::text as "alertId", e.event, e.channel
          from events e
         where not exists (select 1 from alert_deliveries d
                            where d.organization_id = ${organizationId}::uuid
                              and d.idempotency_key = e.id::text || '.' || e.event || '.' || e.channel
                              and d.status in ('delivered', 'undeliverable'))
         order by e.at, e.id, e.event, e.channel`,
  );
}
