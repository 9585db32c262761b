import { type Database, backupConfigurations, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { evaluateAlerts } from "../alerts/evaluate.ts";
import { dataHoldingTypes } from "../alerts/rules/index.ts";
import { renderTable } from "./output.ts";

export interface WeddingBackupDemoContext {
  db: Database;
  organizationId: string;
  clock: () => Date;
  out: (line: string) => void;
}

interface Row {
  id: string;
  provider: string;
  resource_name: string;
  resource_type: string;
  health_status: string | null;
  region_code: string;
  configurations: number;
  alert_id: string | null;
  alert_name: string | null;
  severity: string | null;
  alert_status: string | null;
}

/** The running wedding-critical resources that hold data, their backup configurations and their newest wedding_day_critical alert. */
function weddingResources(db: Database, organizationId: string): Promise<Row[]> {
  return queryRows<Row>(
    db,
    sql`select r.id, p.provider_name as provider, r.resource_name, r.resource_type, r.health_status, g.region_code,
               (select count(*)::int from backup_configurations b where b.resource_id = r.id and b.backup_status <> 'disabled') as configurations,
               a.id as alert_id, a.alert_name, a.severity_level as severity, a.alert_status
          from cloud_resources r
          join cloud_providers p on p.id = r.provider_id
          join cloud_regions g on g.id = r.region_id
          left join lateral (select a.id, a.alert_name, a.severity_level, a.alert_status from infrastructure_alerts a
                              where a.resource_id = r.id and a.alert_type = 'wedding_day_critical'
                              order by a.triggered_at desc, a.id limit 1) a on true
         where r.organization_id = ${organizationId}::uuid and r.is_wedding_critical and r.resource_status = 'running'
           and r.resource_type in (${sql.join(dataHoldingTypes.map((t) => sql`${t}`), sql`, `)})
         order by (select count(*) from backup_configurations b where b.resource_id = r.id and b.backup_status <> 'disabled'), p.provider_name, r.resource_name`,
  );
}

/**
 * The demo's "wedding-critical without a backup" section (docs/alerts.md): the wedding-day rule
 * runs over the estate; each running wedding-critical resource that holds data and has no backup
 * configuration has one `wedding_day_critical` alert. Then the owner writes a backup
 * configuration for the first of them, the way a user would, and the next pass resolves its
 * alert by itself.
 */
export async function showWeddingBackupAlerts(ctx: WeddingBackupDemoContext): Promise<void> {
  const { db, organizationId, out } = ctx;
  await evaluateAlerts(db, { organizationId, rules: ["wedding_day_critical"], now: ctx.clock() });
  const before = await weddingResources(db, organizationId);
  const unprotected = before.filter((r) => r.configurations === 0);
  const table = (rows: Row[]) =>
    renderTable(
      ["provider", "resource", "type", "backup configurations", "wedding_day_critical alert", "severity", "status"],
      rows.slice(0, 10).map((r) => [r.provider, r.resource_name, r.resource_type, r.configurations, r.alert_name ?? "none", r.severity ?? "", r.alert_status ?? ""]),
    );
  out(`Wedding-critical resources holding data: ${before.length}, ${unprotected.length} without any backup configuration, each with one alert\n${table(before)}\n`);
  // A healthy one shows the resolution: a degraded one's alert would stay open for its health.
  const first = unprotected.find((r) => r.health_status !== "warning" && r.health_status !== "critical") ?? unprotected[0];
  if (!first) {
    out("Every wedding-critical resource holding data has a backup configuration: no alert to resolve.\n");
    return;
  }
  await db.insert(backupConfigurations).values({
    organizationId,
    resourceId: first.id,
    backupType: "snapshot",
    backupFrequency: "daily",
    backupDestination: { region: first.region_code, note: "written by the demo, as a user adds one" },
    backupStatus: "active",
  });
  const pass = await evaluateAlerts(db, { organizationId, rules: ["wedding_day_critical"], now: ctx.clock() });
  const [after] = (await weddingResources(db, organizationId)).filter((r) => r.id === first.id);
  const [note] = first.alert_id
    ? await queryRows<{ resolution_notes: string | null }>(db, sql`select resolution_notes from infrastructure_alerts where id = ${first.alert_id}::uuid`)
    : [];
  out(
    `A daily snapshot configuration added for ${first.provider}'s ${first.resource_name}: the next pass resolved ${pass.resolved.length} alert(s); ` +
      `its alert is now ${after?.alert_status ?? "gone"}${note?.resolution_notes ? ` (${note.resolution_notes})` : ""}\n`,
  );
}
