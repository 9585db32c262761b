import { type AwsEmulator, type AzureEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { organizations, queryRows, userProfiles, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncBackups } from "../src/jobs/sync-backups.ts";
import { type SyncDeps, syncResources } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { retentionPolicyOf, statusOf } from "../src/write/backups.ts";
import { priceQueriesFor, syncPrices } from "../src/jobs/sync-prices.ts";
import { refreshRecommendations } from "../src/write/recommendations.ts";
import { loadPrices } from "../src/write/prices.ts";
import { showBackupsAndDrPlan } from "../src/cli/demo-backups.ts";
import { showSnapshots } from "../src/cli/demo-snapshots.ts";
import { showRdsBackups } from "../src/cli/demo-rds-backups.ts";
import { showWeddingBackupAlerts } from "../src/cli/demo-wedding-backups.ts";

const now = new Date("2026-12-06T10:30:00Z");
let tdb: TestDatabase;
let deps: SyncDeps;
let emu: AwsEmulator;
let orgId: string;
let providerId: string;
let ownerRow: { id: string }[];
const keyring = parseKeyring(`test:${generateKey()}`);

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_backups" });
  emu = await startAwsEmulator({ seed: 11, size: 130, backupNow: now });
  const [org] = await tdb.db.insert(organizations).values({ name: "Backup Co", slug: "backup-co" }).returning();
  ownerRow = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@backup.example" }).returning();
  const [user] = ownerRow;
  orgId = org!.id;
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 25, maxAttempts: 2, timeoutMs: 5_000 }),
    clock: () => now,
    logger: silentLogger(),
  };
  providerId = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: user!.id, credentials: awsEmulatorCredentials(emu) })).id;
});
afterAll(async () => {
  await emu?.close();
  await tdb?.drop();
});

/** Timestamps come back as text from raw queries. */
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const configurations = () =>
  queryRows<{ resource: string; source_id: string; backup_frequency: string; retention_policy: unknown; backup_status: string; last_backup_at: Date | null; success_rate: string; next_backup_at: Date | null }>(
    tdb.db,
    sql`select r.resource_id as resource, b.source_id, b.backup_frequency, b.retention_policy, b.backup_status, b.last_backup_at,
               b.success_rate::text, b.next_backup_at
          from backup_configurations b join cloud_resources r on r.id = b.resource_id where b.organization_id = ${orgId}::uuid`,
  );
const executions = () =>
  queryRows<{ source_id: string; execution_status: string; started_at: Date; completed_at: Date | null; resource: string; size_gb: string | null; deleted: boolean }>(
    tdb.db,
    sql`select e.source_id, e.execution_status, e.started_at, e.completed_at, r.resource_id as resource, e.backup_size_gb::text as size_gb,
               e.performance_metrics ? 'deleted_at' as deleted
          from backup_executions e join backup_configurations b on b.id = e.backup_config_id join cloud_resources r on r.id = b.resource_id
         where e.organization_id = ${orgId}::uuid`,
  );
/** EBS snapshot rows (a configuration per snapshotted volume, an execution per snapshot) and the rest. */
const isSnapshotConfig = (c: { source_id: string }) => c.source_id.startsWith("aws:ebs-snapshots/");
const isSnapshotRun = (e: { source_id: string }) => e.source_id.startsWith("aws:snap-");
/** RDS rows: an automated-backup configuration per DB instance, a manual-snapshot one per instance with some, a run per DB snapshot. */
const isRdsConfig = (c: { source_id: string }) => c.source_id.startsWith("aws:rds-");
const isRdsRun = (e: { source_id: string }) => e.source_id.startsWith("aws:arn:aws:rds:");
/** AWS Backup's own rows. */
const isPlanConfig = (c: { source_id: string }) => !isSnapshotConfig(c) && !isRdsConfig(c);
const isJobRun = (e: { source_id: string }) => !isSnapshotRun(e) && !isRdsRun(e);

describe("a configuration's backup_status as the cloud states it", () => {
  it.each([
    ["runs (a plan rule, RDS retention 7)", { enabled: true, retentionDays: 7 }, "active"],
    ["runs, kept until deleted", { enabled: true, retentionDays: null }, "active"],
    ["does not run but keeps its points (on-demand snapshots)", { enabled: false, retentionDays: null }, "paused"],
    ["does not run, points kept 30 days (stopped protection)", { enabled: false, retentionDays: 30 }, "paused"],
    ["does not run and keeps nothing (RDS retention 0)", { enabled: false, retentionDays: 0 }, "disabled"],
  ])("%s", (_name, c, status) => {
    expect(statusOf(c)).toBe(status);
  });
});

describe("backups from AWS Backup into the tables, as a sync of their own", () => {
  it("before the first inventory, every record is skipped and counted, none written; the inventory reads no backups", async () => {
    const early = await syncBackups(deps, { providerId });
    expect(early.status).toBe("succeeded");
    expect(early.counts).toEqual({ kind: "backups", configurationsWritten: 0, executionsWritten: 0 });
    expect(early.skipped).toBeGreaterThan(0);
    expect((await syncResources(deps, { providerId })).status).toBe("succeeded");
    expect(await configurations()).toEqual([]);
  });

  it("a first backup sync writes one configuration per plan rule and resource, and every job of the last 30 days", async () => {
    const summary = await syncBackups(deps, { providerId });
    expect(summary.status).toBe("succeeded");
    const expected = emu.expectedBackups();
    const configs = (await configurations()).filter(isPlanConfig);
    expect(configs.map((c) => `${c.resource} ${c.source_id} ${c.backup_frequency}`).sort()).toEqual(
      expected.plans.flatMap((p) => p.resourceIds.map((id) => `${id} aws:${p.planId}/${p.ruleId} ${p.frequency}`)).sort(),
    );
    const byPlan = new Map(expected.plans.map((p) => [`aws:${p.planId}/${p.ruleId}`, p]));
    for (const c of configs) expect(c.retention_policy).toEqual(retentionPolicyOf(byPlan.get(c.source_id)!.deleteAfterDays));
    const status = { COMPLETED: "completed", FAILED: "failed", RUNNING: "in_progress" } as const;
    expect((await executions()).filter(isJobRun).map((e) => `${e.source_id} ${e.resource} ${e.execution_status} ${iso(e.started_at)} ${iso(e.completed_at)}`).sort()).toEqual(
      expected.jobs.map((j) => `aws:${j.jobId} ${j.resourceId} ${status[j.state]} ${j.createdAt.toISOString()} ${j.completedAt?.toISOString() ?? null}`).sort(),
    );
    // sync_runs records the run with the backups' own counts and no other kind's.
    const [run] = await queryRows<{ kind: string; backup_configurations_written: number; backup_executions_written: number; samples_stored: number | null }>(
      tdb.db,
      sql`select kind, backup_configurations_written, backup_executions_written, samples_stored from sync_runs where id = ${summary.runId}::uuid`,
    );
    // The tables were empty: every row in them now (plans' and snapshots') was written by this run.
    expect(run).toEqual({
      kind: "backups",
      backup_configurations_written: (await configurations()).length,
      backup_executions_written: (await executions()).length,
      samples_stored: null,
    });
  });

  it("each configuration's last backup, success rate, status and next run follow from its jobs", async () => {
    const { jobs } = emu.expectedBackups();
    const byKey = new Map<string, typeof jobs>();
    for (const j of jobs) byKey.set(`${j.resourceId} aws:${j.planId}/${j.ruleId}`, [...(byKey.get(`${j.resourceId} aws:${j.planId}/${j.ruleId}`) ?? []), j]);
    let failedSeen = 0;
    let neverSeen = 0;
    for (const c of (await configurations()).filter(isPlanConfig)) {
      const mine = (byKey.get(`${c.resource} ${c.source_id}`) ?? []).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      const completed = mine.filter((j) => j.state === "COMPLETED");
      const finished = mine.filter((j) => j.state !== "RUNNING");
      expect(iso(c.last_backup_at), c.resource).toBe(completed[0]?.completedAt?.toISOString() ?? null);
      if (finished.length > 0) expect(Number(c.success_rate)).toBeCloseTo((completed.length / finished.length) * 100, 2);
      const period = c.backup_frequency === "hourly" ? 3_600_000 : 86_400_000;
      expect(iso(c.next_backup_at)).toBe(mine[0] ? new Date(mine[0].createdAt.getTime() + period).toISOString() : null);
      expect(c.backup_status).toBe(finished[0]?.state === "FAILED" ? "failed" : "active");
      if (finished[0]?.state === "FAILED") failedSeen++;
      if (mine.length === 0) neverSeen++;
    }
    // The estate holds both cases, so both rules above were exercised.
    expect(failedSeen).toBeGreaterThan(0);
    expect(neverSeen).toBeGreaterThan(0);
  });

  it("EBS snapshots: each snapshotted volume gets one paused configuration kept until deleted, each listed snapshot one execution", async () => {
    const listed = emu.expectedSnapshots().filter((x) => !x.skip);
    expect(listed.length).toBeGreaterThan(0);
    const configs = (await configurations()).filter(isSnapshotConfig);
    expect(configs.map((c) => c.resource).sort()).toEqual([...new Set(listed.map((x) => x.volumeId))].sort());
    // Nothing in the cloud schedules on-demand snapshots, and nothing declares how long they are kept.
    for (const c of configs) {
      expect(c.backup_status).toBe("paused");
      expect(c.retention_policy).toEqual(retentionPolicyOf(null));
    }
    const status = { completed: "completed", pending: "in_progress", error: "failed", recoverable: "never" } as const;
    const runs = (await executions()).filter(isSnapshotRun);
    expect(runs.map((e) => `${e.source_id} ${e.resource} ${e.execution_status} ${iso(e.started_at)}`).sort()).toEqual(
      listed.map((x) => `aws:${x.snapshotId} ${x.volumeId} ${status[x.state]} ${x.startTime.toISOString()}`).sort(),
    );
    // A completed snapshot is sized by its full size (the emulator reports 60 % of the volume),
    // the others by the volume: 100 GiB → 60.000 GiB completed, 100.000 GiB pending.
    const bySource = new Map(runs.map((e) => [e.source_id, e]));
    for (const x of listed) {
      const expectedGb = x.state === "completed" ? Math.round(x.volumeSizeGib * 0.6 * 1024 ** 3) / 1024 ** 3 : x.volumeSizeGib;
      expect(Number(bySource.get(`aws:${x.snapshotId}`)?.size_gb)).toBeCloseTo(expectedGb, 3);
    }
  });

  it("RDS: each DB instance gets its automated-backup configuration, disabled at retention 0, next due at its window; each DB snapshot one execution", async () => {
    const { instances, snapshots } = emu.expectedRdsBackups();
    expect(instances.length).toBeGreaterThan(0);
    const automated = (await configurations()).filter((c) => c.source_id.startsWith("aws:rds-automated/"));
    // The window is UTC and daily; the sync's clock is 10:30 on 2026-12-06, so a window that
    // started at or before 10:30 is next due tomorrow (03:00-03:30 → 2026-12-07T03:00Z).
    const nextOf = (window: string) => {
      const [h, m] = window.slice(0, 5).split(":").map(Number) as [number, number];
      const today = Date.UTC(2026, 11, 6, h, m);
      return new Date(today > now.getTime() ? today : today + 86_400_000).toISOString();
    };
    // The newest available automated snapshot is the last backup (RDS reports no end: its creation time).
    const lastOf = (arn: string) =>
      snapshots
        .filter((s) => s.instanceArn === arn && s.type === "automated" && s.status === "available")
        .map((s) => s.createTime.toISOString())
        .sort()
        .at(-1) ?? null;
    const byResource = (a: { resource: string }, b: { resource: string }) => a.resource.localeCompare(b.resource);
    expect(
      automated.map((c) => ({ resource: c.resource, status: c.backup_status, retention: c.retention_policy, next: iso(c.next_backup_at), last: iso(c.last_backup_at) })).sort(byResource),
    ).toEqual(
      instances
        .map((i) => ({
          resource: i.instanceArn,
          status: i.retentionDays > 0 ? "active" : "disabled",
          retention: retentionPolicyOf(i.retentionDays),
          next: i.retentionDays > 0 ? nextOf(i.window) : null,
          last: lastOf(i.instanceArn),
        }))
        .sort(byResource),
    );
    // Both sides of the retention rule are in the estate.
    expect(new Set(automated.map((c) => c.backup_status))).toEqual(new Set(["active", "disabled"]));
    const status = { available: "completed", creating: "in_progress", failed: "failed" } as const;
    expect((await executions()).filter(isRdsRun).map((e) => `${e.source_id} ${e.resource} ${e.execution_status} ${iso(e.started_at)}`).sort()).toEqual(
      snapshots.map((s) => `aws:${s.arn} ${s.instanceArn} ${status[s.status]} ${s.createTime.toISOString()}`).sort(),
    );
    // Manual snapshots: one paused configuration per instance that has some, and one per other
    // region holding copies of them, kept until deleted.
    const manual = (await configurations()).filter((c) => c.source_id.startsWith("aws:rds-snapshots/") || c.source_id.startsWith("aws:rds-snapshot-copies/"));
    expect(manual.map((c) => `${c.source_id} ${c.backup_status}`).sort()).toEqual(
      [
        ...new Set(
          snapshots
            .filter((s) => s.type === "manual")
            .map((s) => (s.sourceRegion ? `aws:rds-snapshot-copies/${s.region}/${s.instanceArn}` : `aws:rds-snapshots/${s.instanceArn}`)),
        ),
      ]
        .map((id) => `${id} paused`)
        .sort(),
    );
    expect(snapshots.some((s) => s.sourceRegion !== null)).toBe(true);
  });

  it("backup_enabled is set on exactly the resources a plan selects or RDS backs up itself (retention above 0)", async () => {
    const selected = new Set([
      ...emu.expectedBackups().plans.flatMap((p) => p.resourceIds),
      ...emu.expectedRdsBackups().instances.filter((i) => i.retentionDays > 0).map((i) => i.instanceArn),
    ]);
    const rows = await queryRows<{ resource_id: string; backup_enabled: boolean }>(
      tdb.db,
      sql`select resource_id, backup_enabled from cloud_resources where provider_id = ${providerId}::uuid and resource_status <> 'terminated'`,
    );
    expect(rows.filter((r) => r.backup_enabled).map((r) => r.resource_id).sort()).toEqual([...selected].sort());
  });

  it("a second sync adds no row: configurations and jobs are upserted on the cloud's ids", async () => {
    const before = [(await configurations()).length, (await executions()).length];
    expect((await syncBackups(deps, { providerId })).status).toBe("succeeded");
    expect([(await configurations()).length, (await executions()).length]).toEqual(before);
  });

  it("a snapshot deleted in the cloud is marked deleted on the next sync; its row stays as history", async () => {
    const victim = emu.expectedSnapshots().find((x) => !x.skip && x.state === "completed");
    expect(emu.mutate.deleteSnapshot(victim!.snapshotId)).toBe(true);
    const dbVictim = emu.expectedRdsBackups().snapshots.find((x) => x.type === "manual" && x.status === "available");
    expect(emu.mutate.deleteRdsSnapshot(dbVictim!.arn)).toBe(true);
    await syncBackups(deps, { providerId });
    const runs = (await executions()).filter(isSnapshotRun);
    expect(runs.filter((e) => e.deleted).map((e) => e.source_id)).toEqual([`aws:${victim!.snapshotId}`]);
    // The DB snapshot's listing (scope rds_snapshots) marks its own, and only it.
    const dbRuns = (await executions()).filter(isRdsRun);
    expect(dbRuns.filter((e) => e.deleted).map((e) => e.source_id)).toEqual([`aws:${dbVictim!.arn}`]);
  });

  it("snapshots past the 90-day default retention are advised for deletion, priced by the EBS snapshot storage price", async () => {
    const provider = await deps.loadProvider(providerId);
    const adapter = await deps.adapterFor(provider, {});
    const query = (await priceQueriesFor(tdb.db, orgId)).get("aws");
    expect(query?.volumeTypes).toContain("snapshot");
    const [priced] = await syncPrices({ db: tdb.db, logger: silentLogger() }, new Map([["aws", adapter]]), new Map([["aws", query!]]));
    expect(priced?.error).toBeUndefined();
    const findings = (await withOrganization(tdb.db, orgId, (tx) => refreshRecommendations(tx, orgId, { now }), { role: null })).findings.filter(
      (f) => f.evidence.reason === "past_retention",
    );
    const prices = await loadPrices(tdb.db, ["aws"]);
    const priceIn = (region: string) => Number(prices.find((q) => q.region === region && q.product === "volume" && q.sku === "snapshot")?.unitPrice);
    // Old = completed, still listed (the deleted one is not), older than 90 days at the test's
    // clock (the emulator gives one volume in four a snapshot of 100–159 days).
    const old = emu
      .expectedSnapshots()
      .filter((x) => !x.skip && x.state === "completed" && Math.floor((now.getTime() - x.startTime.getTime()) / 86_400_000) > 90);
    expect(old.length).toBeGreaterThan(0);
    // Savings: the snapshot's GiB as stored (60 % of its volume, 3 decimals) × its region's
    // snapshot price per GB-month, to the cent; e.g. 100 GiB volume → 60.000 × 0.05 = 3.00.
    const storedGb = (x: { volumeSizeGib: number }) => Number((Math.round(x.volumeSizeGib * 0.6 * 1024 ** 3) / 1024 ** 3).toFixed(3));
    expect(findings.map((f) => f.monthlySavings).sort((a, b) => a - b)).toEqual(
      old.map((x) => Math.round(storedGb(x) * priceIn(x.region) * 100) / 100).sort((a, b) => a - b),
    );
    expect(findings.every((f) => f.evidence.retention_source === "default" && f.evidence.retention_days === 90)).toBe(true);
    // The advice targets the volume the snapshot was taken of.
    const volumes = await queryRows<{ id: string; resource_id: string }>(tdb.db, sql`select id, resource_id from cloud_resources where provider_id = ${providerId}::uuid`);
    const volumeOf = new Map(volumes.map((v) => [v.id, v.resource_id]));
    expect(findings.map((f) => volumeOf.get(f.resourceKeys[0]!)).sort()).toEqual(old.map((x) => x.volumeId).sort());
  });

  it("the demo's snapshot section shows the listed snapshots and the advice on the old ones", async () => {
    const lines: string[] = [];
    await showSnapshots({ db: tdb.db, organizationId: orgId, out: (l) => lines.push(l), top: 100 });
    const text = lines.join("\n");
    const listed = emu.expectedSnapshots().filter((x) => !x.skip);
    // Every listed snapshot, over its volumes, and the one deleted two tests ago.
    expect(text).toMatch(new RegExp(`aws\\s+${listed.length}\\s+${new Set(listed.map((x) => x.volumeId)).size}\\s+[0-9.]+\\s+1\\s+0\\.\\d+`));
    const old = listed.filter((x) => x.state === "completed" && Math.floor((now.getTime() - x.startTime.getTime()) / 86_400_000) > 90);
    expect(text).toMatch(new RegExp(`Snapshots past their retention \\(storage_optimization\\): ${old.length}, saving \\d+\\.\\d\\d USD a month`));
    for (const x of old) expect(text).toMatch(new RegExp(`${x.volumeId}\\s+\\d+\\s+90\\s+default`));
  });

  it("the demo's RDS lines count the instances with backups on and off and the DB snapshots by kind, the deleted one apart", async () => {
    const lines: string[] = [];
    await showRdsBackups({ db: tdb.db, organizationId: orgId, out: (l) => lines.push(l) });
    const text = lines.join("\n");
    const { instances, snapshots } = emu.expectedRdsBackups();
    const on = instances.filter((i) => i.retentionDays > 0).length;
    expect(text).toContain(`RDS's own backups: ${on} DB instance(s) with automated backups, ${instances.length - on} with them disabled (retention 0)`);
    // The manual snapshot deleted two tests ago is no longer listed; its row is counted apart.
    const count = (type: string) => snapshots.filter((s) => s.type === type).length;
    expect(text).toMatch(new RegExp(`automated\\s+${count("automated")}\\s+0\\s+0`));
    expect(text).toMatch(new RegExp(`manual\\s+${count("manual")}\\s+\\d+\\s+1`));
  });

  it("the demo section shows the backups per cloud and a DR plan judged on them, with why", async () => {
    const lines: string[] = [];
    // The evaluation's clock is the real one, so judge the emulator's jobs against today.
    await showBackupsAndDrPlan({ db: tdb.db, organizationId: orgId, ownerId: ownerRow[0]!.id, out: (l) => lines.push(l) });
    const text = lines.join("\n");
    const { plans, jobs } = emu.expectedBackups();
    // AWS Backup's configurations and jobs, then the on-demand EBS snapshots (one configuration per
    // snapshotted volume, one run per snapshot, the deleted one included: its row is history).
    // Then RDS: an automated-backup configuration per DB instance, a manual one per instance with
    // manual snapshots, a run per DB snapshot (the deleted one included).
    const snapshots = emu.expectedSnapshots().filter((x) => !x.skip);
    const snapshotRuns = (await executions()).filter((e) => isSnapshotRun(e) || isRdsRun(e));
    const snapshotVolumes = new Set(snapshots.map((x) => x.volumeId));
    const rdsConfigs = (await configurations()).filter(isRdsConfig);
    const configs = plans.reduce((n, p) => n + p.resourceIds.length, 0) + snapshotVolumes.size + rdsConfigs.length;
    const resources = new Set([...plans.flatMap((p) => p.resourceIds), ...snapshotVolumes, ...rdsConfigs.map((c) => c.resource)]).size;
    const runs = jobs.length + snapshotRuns.length;
    const failed = jobs.filter((j) => j.state === "FAILED").length + snapshotRuns.filter((e) => e.execution_status === "failed").length;
    expect(text).toMatch(new RegExp(`aws\\s+${configs}\\s+${resources}\\s+${runs}\\s+${failed}\\s`));
    expect(text).toMatch(/DR plan "Demo databases [a-z0-9-]+" \(RPO 26 h, recovery into [a-z0-9-]+\) evaluated on those backups: (fail|warn|ok); \d+ met, \d+ at risk, \d+ missed/);
    expect(text).toMatch(/backups within RPO\s+(ok|fail)/);
  });

  it("the demo's wedding section: one alert for the wedding-critical resource without a backup, resolved once a configuration is written", async () => {
    const pick = (backedUp: boolean) =>
      queryRows<{ id: string; resource_name: string; resource_type: string }>(
        tdb.db,
        sql`select r.id, r.resource_name, r.resource_type from cloud_resources r
             where r.provider_id = ${providerId}::uuid and r.resource_status = 'running' and r.resource_type in ('compute', 'storage', 'database')
               and ${backedUp ? sql`` : sql`not`} exists (select 1 from backup_configurations b where b.resource_id = r.id and b.backup_status <> 'disabled')
             order by r.resource_name limit 1`,
      );
    const [bare] = await pick(false);
    const [covered] = await pick(true);
    // Exactly these two are wedding-critical, as tagging them in the cloud would make them.
    await tdb.db.execute(sql`update cloud_resources set is_wedding_critical = (id in (${bare!.id}::uuid, ${covered!.id}::uuid)) where organization_id = ${orgId}::uuid`);
    const lines: string[] = [];
    await showWeddingBackupAlerts({ db: tdb.db, organizationId: orgId, clock: () => now, out: (l) => lines.push(l) });
    const text = lines.join("\n");
    expect(text).toMatch(/Wedding-critical resources holding data: 2, 1 without any backup configuration, each with one alert/);
    expect(text).toMatch(new RegExp(`aws\\s+${bare!.resource_name}\\s+${bare!.resource_type}\\s+0\\s+Wedding-critical ${bare!.resource_name} has no backup\\s+warning\\s+active`));
    expect(text).toMatch(new RegExp(`aws\\s+${covered!.resource_name}\\s+${covered!.resource_type}\\s+[1-9]\\d*\\s+none`));
    expect(text).toContain(`A daily snapshot configuration added for aws's ${bare!.resource_name}: the next pass resolved 1 alert(s); its alert is now resolved (Resolved automatically at ${now.toISOString()}:`);
  });
});

describe("backups from Cloud SQL and Compute Engine snapshots into the tables", () => {
  let gcp: GcpEmulator;
  let gcpProvider: string;
  beforeAll(async () => {
    gcp = await startGcpEmulator({ seed: 5, size: 300, backupNow: now });
    gcpProvider = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: ownerRow[0]!.id, credentials: gcpEmulatorCredentials(gcp) })).id;
  });
  afterAll(async () => gcp?.close());

  it("each instance with automated backups gets one configuration, each of its runs one execution", async () => {
    expect((await syncResources(deps, { providerId: gcpProvider })).status).toBe("succeeded");
    expect((await syncBackups(deps, { providerId: gcpProvider })).status).toBe("succeeded");
    const runs = gcp.expectedBackupRuns();
    expect(runs.length).toBeGreaterThan(0);
    const mine = <R extends { resource: string }>(rows: R[]) => rows.filter((r) => r.resource.startsWith("//sqladmin."));
    expect(mine(await configurations()).map((c) => `${c.resource} ${c.backup_frequency}`).sort()).toEqual([...new Set(runs.map((r) => `${r.resourceId} daily`))].sort());
    const status = { SUCCESSFUL: "completed", FAILED: "failed", RUNNING: "in_progress" } as const;
    expect(mine(await executions()).map((e) => `${e.source_id} ${e.execution_status} ${iso(e.started_at)}`).sort()).toEqual(
      runs.map((r) => `gcp:${r.instance}/${r.id} ${status[r.status]} ${r.startTime.toISOString()}`).sort(),
    );
  });

  // Compute Engine snapshot schedules and disk snapshots, read in the same sync (scope gce_snapshots).
  // Rows written by hand (the wedding demo's) have no source id.
  const isGceConfig = (c: { source_id: string | null }) => /^gcp:(snapshot-schedules|gce-snapshots)\//.test(c.source_id ?? "");
  const isGceRun = (e: { source_id: string }) => e.source_id.startsWith("gcp:snapshots/");
  const frequency = { "snap-daily": "daily", "snap-weekly": "weekly", "snap-hourly": "hourly" } as const;
  // By hand for the clock, Sunday 2026-12-06 10:30 UTC: daily 04:00 → Monday 04:00; Sundays 02:00 → next Sunday; every 6 h from 00:00 → 12:00.
  let victim: ReturnType<GcpEmulator["expectedSnapshots"]>[number] | undefined;
  const nextRun = { "snap-daily": "2026-12-07T04:00:00.000Z", "snap-weekly": "2026-12-13T02:00:00.000Z", "snap-hourly": "2026-12-06T12:00:00.000Z" } as const;

  it("each disk a snapshot schedule protects gets one configuration per schedule: its frequency, retention and next run from the schedule", async () => {
    const schedules = gcp.expectedSnapshotSchedules();
    const snapshots = gcp.expectedSnapshots().filter((x) => x.diskId !== null);
    expect(schedules.length).toBeGreaterThan(0);
    const scheduled = (await configurations()).filter((c) => (c.source_id ?? "").startsWith("gcp:snapshot-schedules/"));
    expect(scheduled.map((c) => `${c.resource} ${c.source_id} ${c.backup_frequency} ${iso(c.next_backup_at)}`).sort()).toEqual(
      schedules.map((x) => `${x.diskId} gcp:snapshot-schedules/${x.diskRegion}/${x.policy} ${frequency[x.policy]} ${nextRun[x.policy]}`).sort(),
    );
    const byKey = new Map(schedules.map((x) => [`${x.diskId} gcp:snapshot-schedules/${x.diskRegion}/${x.policy}`, x]));
    let failedSeen = 0;
    for (const c of scheduled) {
      const x = byKey.get(`${c.resource} ${c.source_id}`)!;
      expect(c.retention_policy).toEqual(retentionPolicyOf(x.retentionDays));
      // `failed` while the schedule's newest finished snapshot failed, else active.
      const newest = snapshots
        .filter((s) => s.diskId === x.diskId && s.policy === x.policy && s.status !== "CREATING")
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      expect(c.backup_status).toBe(newest?.status === "FAILED" ? "failed" : "active");
      if (newest?.status === "FAILED") failedSeen++;
      // The last backup is the newest READY snapshot: its creation is its recovery point.
      const ready = snapshots.filter((s) => s.diskId === x.diskId && s.policy === x.policy && s.status === "READY").sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      expect(iso(c.last_backup_at)).toBe(ready?.createdAt.toISOString() ?? null);
    }
    expect(failedSeen).toBeGreaterThan(0);
    // Snapshots no schedule of the disk took: one paused configuration per disk, kept until deleted.
    const onDemand = (await configurations()).filter((c) => (c.source_id ?? "").startsWith("gcp:gce-snapshots/"));
    expect(onDemand.map((c) => c.resource).sort()).toEqual([...new Set(snapshots.filter((x) => x.policy === null).map((x) => x.diskId))].sort());
    for (const c of onDemand) expect([c.backup_status, c.retention_policy]).toEqual(["paused", retentionPolicyOf(null)]);
  });

  it("each disk snapshot is one execution of the disk it was taken of; the one made from an image is skipped", async () => {
    const snapshots = gcp.expectedSnapshots().filter((x) => x.diskId !== null);
    const status = { READY: "completed", CREATING: "in_progress", FAILED: "failed" } as const;
    const runs = (await executions()).filter(isGceRun);
    expect(runs.map((e) => `${e.source_id} ${e.resource} ${e.execution_status} ${iso(e.started_at)}`).sort()).toEqual(
      snapshots.map((x) => `gcp:snapshots/${x.id} ${x.diskId} ${status[x.status]} ${x.createdAt.toISOString()}`).sort(),
    );
    // Sized by storageBytes, what the snapshot bills: the emulator stores 35 % of the disk in a chain's first snapshot.
    const first = snapshots.find((x) => x.status === "READY" && Number(x.raw.storageBytes) > 0)!;
    expect(runs.find((e) => e.source_id === `gcp:snapshots/${first.id}`)?.size_gb).toBe((Number(first.raw.storageBytes) / 1024 ** 3).toFixed(3));
  });

  it("backup_enabled follows: a disk with a snapshot schedule is backed up, one with snapshots taken by hand is not", async () => {
    const rows = await queryRows<{ resource_id: string; backup_enabled: boolean }>(
      tdb.db,
      sql`select resource_id, backup_enabled from cloud_resources where provider_id = ${gcpProvider}::uuid and resource_type = 'storage' and resource_id ~ '^[0-9]+$'`,
    );
    const scheduled = new Set(gcp.expectedSnapshotSchedules().map((x) => x.diskId));
    expect(rows.filter((r) => r.backup_enabled).map((r) => r.resource_id).sort()).toEqual(rows.filter((r) => scheduled.has(r.resource_id)).map((r) => r.resource_id).sort());
    expect(scheduled.size).toBeGreaterThan(0);
  });

  it("a second sync adds no GCP row; a snapshot deleted in the cloud is then marked deleted and its row stays", async () => {
    const count = async () => [(await configurations()).filter(isGceConfig).length, (await executions()).filter(isGceRun).length];
    const before = await count();
    expect((await syncBackups(deps, { providerId: gcpProvider })).status).toBe("succeeded");
    expect(await count()).toEqual(before);
    victim = gcp.expectedSnapshots().find((x) => x.diskId !== null && x.status === "READY")!;
    gcp.mutate.deleteSnapshot(victim.name);
    expect((await syncBackups(deps, { providerId: gcpProvider })).status).toBe("succeeded");
    expect(await count()).toEqual(before);
    expect((await executions()).filter((e) => isGceRun(e) && e.deleted).map((e) => e.source_id)).toEqual([`gcp:snapshots/${victim!.id}`]);
  });

  it("the demo's backups-per-cloud and snapshot sections count the GCP disk snapshots", async () => {
    const lines: string[] = [];
    await showBackupsAndDrPlan({ db: tdb.db, organizationId: orgId, ownerId: ownerRow[0]!.id, out: (l) => lines.push(l) });
    await showSnapshots({ db: tdb.db, organizationId: orgId, out: (l) => lines.push(l), top: 0 });
    const text = lines.join("\n");
    const sqlRuns = gcp.expectedBackupRuns();
    // The deleted snapshot's row is history: still counted as a run, no longer as listed.
    const listed = gcp.expectedSnapshots().filter((x) => x.diskId !== null);
    const all = [...listed, victim!];
    const schedules = gcp.expectedSnapshotSchedules();
    const onDemandDisks = new Set(all.filter((x) => x.policy === null).map((x) => x.diskId));
    const configs = new Set(sqlRuns.map((r) => r.resourceId)).size + schedules.length + onDemandDisks.size;
    const resources = new Set([...sqlRuns.map((r) => r.resourceId), ...schedules.map((x) => x.diskId), ...onDemandDisks]).size;
    const runs = sqlRuns.length + all.length;
    const failed = sqlRuns.filter((r) => r.status === "FAILED").length + all.filter((x) => x.status === "FAILED").length;
    expect(text).toMatch(new RegExp(`gcp\\s+${configs}\\s+${resources}\\s+${runs}\\s+${failed}\\s`));
    expect(text).toMatch(new RegExp(`gcp\\s+${listed.length}\\s+${new Set(listed.map((x) => x.diskId)).size}\\s+[0-9.]+\\s+1\\s`));
  });
});

describe("backups from Azure Backup into the tables", () => {
  let azure: AzureEmulator;
  let azureProvider: string;
  beforeAll(async () => {
    azure = await startAzureEmulator({ seed: "backups", size: 200, subscriptions: 2, backupNow: now });
    azureProvider = (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: ownerRow[0]!.id, credentials: azureEmulatorCredentials(azure) })).id;
  });
  afterAll(async () => azure?.close());

  it("each protected VM gets one configuration linked to its inventory row, each Backup job one execution", async () => {
    expect((await syncResources(deps, { providerId: azureProvider })).status).toBe("succeeded");
    expect((await syncBackups(deps, { providerId: azureProvider })).status).toBe("succeeded");
    const { items, jobs } = azure.expectedBackups();
    expect(items.length).toBeGreaterThan(0);
    const mine = <R extends { resource: string }>(rows: R[]) => rows.filter((r) => r.resource.startsWith("/subscriptions/"));
    expect(mine(await configurations()).map((c) => `${c.resource} ${c.source_id}`).sort()).toEqual(items.map((i) => `${i.vmId} azure:${i.protectedItemId}`).sort());
    const status = { Completed: "completed", Failed: "failed", InProgress: "in_progress" } as const;
    expect(mine(await executions()).map((e) => `${e.source_id} ${e.resource} ${e.execution_status}`).sort()).toEqual(
      jobs.map((j) => `azure:${j.jobId} ${j.vmId} ${status[j.status]}`).sort(),
    );
  });
});
