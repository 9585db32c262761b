import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import { InvalidInputError } from "../errors.ts";
import { requireDate, requireIntegerInRange } from "../validate.ts";
import { queryRows } from "./rows.ts";

/**
 * Creates the monthly partitions of `infrastructure_monitoring` from `fromMonth` (default: last
 * month) through `monthsAhead` months after this one; returns the partitions it created.
 */
export async function ensureMonitoringPartitions(
  db: DbOrTx,
  params: { fromMonth?: string | Date; monthsAhead?: number } = {},
): Promise<string[]> {
  const from = params.fromMonth === undefined ? null : requireDate("fromMonth", params.fromMonth);
  const ahead = requireIntegerInRange("monthsAhead", params.monthsAhead ?? 3, 0, 120);
  const rows = await queryRows<{ name: string }>(
    db,
    from === null
      ? sql`select ensure_monitoring_partitions(months_ahead => ${ahead}::integer) as name`
      : sql`select ensure_monitoring_partitions(${from}::date, ${ahead}::integer) as name`,
  );
  return rows.map((r) => r.name);
}

/**
 * Retires monthly partitions whose month ended more than `retentionMonths` ago: detached and
 * kept (for archival) with `detachOnly`, dropped otherwise. Returns the partitions retired.
 */
export async function dropMonitoringPartitions(
  db: DbOrTx,
  params: { retentionMonths: number; detachOnly?: boolean },
): Promise<string[]> {
  const months = requireIntegerInRange("retentionMonths", params.retentionMonths, 1, 1200);
  if (params.detachOnly !== undefined && typeof params.detachOnly !== "boolean") {
    throw new InvalidInputError("detachOnly", "expected true or false");
  }
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select drop_monitoring_partitions(make_interval(months => ${months}::integer), ${params.detachOnly ?? false}::boolean) as name`,
  );
  return rows.map((r) => r.name);
}

/** The partitions of `infrastructure_monitoring` with their bounds, oldest first. */
export async function listMonitoringPartitions(db: DbOrTx): Promise<{ name: string; bounds: string }[]> {
  return queryRows<{ name: string; bounds: string }>(
    db,
    sql`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bounds
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'public.infrastructure_monitoring'::regclass
         order by c.relname`,
  );
}
