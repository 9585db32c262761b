import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError, type BackupManifest, backupDatabase, readManifest, restoreDatabase, verifyDatabase } from "../src/backup/index.ts";
import { createDb, dropMonitoringPartitions, ensureMonitoringPartitions, infrastructureAlerts, infrastructureMonitoring, listMonitoringPartitions, queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase, defaultAdminUrl, withDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-backup-"));
const adminUrl = defaultAdminUrl();
const created: string[] = [];
let source: TestDatabase;
let dumpFile: string;
let manifest: BackupManifest;
let restoredUrl: string;

/** A database name for a restore target; dropped after the run. */
function targetName(label: string): string {
  const name = `cloudsync_restore_${label}_${process.pid}_${randomBytes(3).toString("hex")}`;
  created.push(name);
  return name;
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Runs the backup or restore command as `pnpm db:…` would: tsx, a separate process. */
function script(name: "backup" | "restore", args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), path.join(packageDir, "src", `${name}-cli.ts`), ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function rowsOf(url: string, statement: string): Promise<unknown[]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return [...(await client.unsafe(statement))];
  } finally {
    await client.end({ timeout: 5 });
  }
}

beforeAll(async () => {
  source = await createTestDatabase({ prefix: "cloudsync_backup_src" });
  const tenants: Tenant[] = [await createTenant(source.db, "bride"), await createTenant(source.db, "groom")];
  const resources = [];
  for (const [i, t] of tenants.entries()) {
    for (let n = 1; n <= 5; n++) {
      resources.push(
        await createResource(source.db, t, i * 100 + n, {
          // Values whose text form is easy to get wrong: quotes, newlines, non-ASCII, exact decimals.
          configuration: { note: `l'été "${n}"\nligne 2`, price: "0.1000000001" },
          tags: { env: n % 2 ? "prod" : "dev", owner: "fleuriste" },
        }),
      );
    }
  }
  // Monitoring samples in old months (detached below, as the retention job would), in the
  // current month, and in a far month without a partition (kept in the default partition).
  await ensureMonitoringPartitions(source.db, { fromMonth: "2024-01-01", monthsAhead: 3 });
  const now = new Date();
  const stamps = ["2024-01-15T10:00:00Z", "2025-06-30T23:59:59.123456Z", now.toISOString(), "2035-03-01T00:00:00Z"];
  for (const [k, at] of stamps.entries()) {
    for (const r of resources) {
      await source.db.insert(infrastructureMonitoring).values({
        organizationId: r.organizationId,
        resourceId: r.id,
        monitoringType: "performance",
        monitoringTimestamp: new Date(at),
        healthScore: (k * 17 + 5) % 100,
        metrics: { cpu_utilization: 12.5 + k, memory_utilization: 0.1 + 0.2, disk_utilization: 0, network_in_mbps: 1e21, network_out_mbps: -0.0, response_time_ms: 3, error_rate: 0, requests_per_second: 7 },
      });
    }
  }
  await source.db.insert(infrastructureAlerts).values({
    organizationId: tenants[0]!.organizationId,
    alertName: "disk almost full",
    alertType: "performance_degradation",
    severityLevel: "critical",
    alertConditions: { threshold: 0.9 },
    recipientList: ["ops@bride.example"],
  });
  await dropMonitoringPartitions(source.db, { retentionMonths: 13, detachOnly: true });

  dumpFile = path.join(dir, "source.dump");
  manifest = (await backupDatabase({ url: source.url, out: dumpFile })).manifest;
});

afterAll(async () => {
  await source?.drop();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (const name of created) await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("pnpm db:backup", () => {
  it("writes a custom-format dump and a manifest of every table, partitions and their parent included", async () => {
    expect(readFileSync(dumpFile).subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump's custom format
    expect(readManifest(`${dumpFile}.manifest.json`)).toEqual(manifest);
    expect(manifest.dump.file).toBe("source.dump");
    expect(manifest.source).toBe(source.url);

    const t = manifest.tables;
    expect(t["public.organizations"]).toMatchObject({ kind: "table", rows: 2 });
    expect(t["public.cloud_resources"]).toMatchObject({ kind: "table", rows: 10 });
    expect(t["public.infrastructure_alerts"]).toMatchObject({ rows: 1 });
    // 20 samples stayed attached: this month's and 2035's (in the default partition).
    expect(t["public.infrastructure_monitoring"]).toMatchObject({ kind: "partitioned", rows: 20 });
    expect(t["public.infrastructure_monitoring_default"]).toMatchObject({ kind: "partition", partitionOf: "public.infrastructure_monitoring", rows: 10 });
    const today = new Date();
    const month = `public.infrastructure_monitoring_p${today.getUTCFullYear()}${String(today.getUTCMonth() + 1).padStart(2, "0")}`;
    expect(t[month]).toMatchObject({ kind: "partition", rows: 10 });
    // Detached months are plain tables now, still backed up, ready to archive.
    expect(t["public.infrastructure_monitoring_p202401"]).toMatchObject({ kind: "table", rows: 10 });
    expect(t["public.infrastructure_monitoring_p202506"]).toMatchObject({ kind: "table", rows: 10 });
    expect(t["drizzle.__drizzle_migrations"]!.rows).toBeGreaterThan(0);
    expect(manifest.roles.grantees).toEqual(expect.arrayContaining(["cloudsync_app", "cloudsync_worker"]));

    // The counts are the database's own.
    const [counts] = await queryRows<{ resources: number; samples: number }>(
      source.db,
      sql`select (select count(*) from cloud_resources)::int as resources, (select count(*) from infrastructure_monitoring)::int as samples`,
    );
    expect(counts).toEqual({ resources: 10, samples: 20 });
    // Same data, same checksum; different data, different checksum.
    expect(t["public.infrastructure_monitoring_p202401"]!.checksum).not.toBe(t["public.infrastructure_monitoring_p202506"]!.checksum);
    expect(t["public.backup_executions"]!.checksum).toBe(t["public.cost_budgets"]!.checksum); // both empty
  });

  it("a partitioned table's checksum equals a direct scan of the parent", async () => {
    // The manifest sums its partitions' figures; scanning the parent must give the same.
    const direct = await source.db.transaction(async (tx) => {
      await tx.execute(sql`set local timezone = 'UTC'`); // as the manifest reads timestamps
      const [r] = await queryRows<{ rows: string; hi: string; lo: string }>(
        tx,
        sql.raw(`select count(*)::text as rows,
                        sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric)::text as hi,
                        sum(('x' || substr(md5(t::text), 17, 16))::bit(64)::bigint::numeric)::text as lo
                   from infrastructure_monitoring t`),
      );
      return r!;
    });
    expect(direct.rows).toBe("20");
    const expected = createHash("md5").update(`${direct.rows}:${direct.hi}:${direct.lo}`).digest("hex");
    expect(manifest.tables["public.infrastructure_monitoring"]!.checksum).toBe(expected);
  });
});

describe("pnpm db:restore", () => {
  it("restores into a new database whose every table matches the manifest, with partitions, grants and RLS", async () => {
    const name = targetName("fresh");
    restoredUrl = withDatabase(adminUrl, name);
    expect(await databaseExists(name)).toBe(false);
    const result = await restoreDatabase({ file: dumpFile, targetUrl: restoredUrl });
    expect(result).toMatchObject({ database: name, created: true, replaced: false });
    expect(result.verification.differences).toEqual([]);
    expect(result.verification.ok).toBe(true);
    expect(result.verification.rows).toBeGreaterThanOrEqual(2 + 2 + 2 + 10 + 40 + 1);

    // Independently of the manifest: the rows themselves, and the structure around them.
    const query = "select id, resource_id, configuration, tags, created_at from cloud_resources order by id";
    expect(await rowsOf(restoredUrl, query)).toEqual(await rowsOf(source.url, query));
    const restored = await createDb(restoredUrl);
    try {
      expect(await listMonitoringPartitions(restored.db)).toEqual(await listMonitoringPartitions(source.db));
      const [facts] = await queryRows<{ app: boolean; worker: boolean; rls: boolean; samples: number }>(
        restored.db,
        sql`select has_table_privilege('cloudsync_app', 'public.cloud_resources', 'SELECT') as app,
                   has_table_privilege('cloudsync_worker', 'public.infrastructure_monitoring', 'INSERT') as worker,
                   (select relrowsecurity from pg_class where oid = 'public.cloud_resources'::regclass) as rls,
                   (select count(*)::int from infrastructure_monitoring) as samples`,
      );
      expect(facts).toEqual({ app: true, worker: true, rls: true, samples: 20 });
    } finally {
      await restored.close();
    }
  });

  it("reports a restored database that was changed afterwards, naming each differing table", async () => {
    await rowsOf(restoredUrl, "delete from infrastructure_monitoring where id = (select id from infrastructure_monitoring_default order by id limit 1)");
    await rowsOf(restoredUrl, "update organizations set name = name || ' (edited)' where slug = 'groom'");
    const result = await verifyDatabase({ url: restoredUrl, manifestFile: `${dumpFile}.manifest.json` });
    expect(result.ok).toBe(false);
    expect(result.differences).toEqual(
      expect.arrayContaining([
        { object: "public.infrastructure_monitoring", problem: "rows", expected: "20", actual: "19" },
        { object: "public.infrastructure_monitoring_default", problem: "rows", expected: "10", actual: "9" },
        expect.objectContaining({ object: "public.organizations", problem: "checksum" }),
        // The deleted sample's minute, which the triggers on the samples keep (migration 0038).
        expect.objectContaining({ object: "public.response_time_minutes" }),
      ]),
    );
    expect(result.differences).toHaveLength(4);

    const cli = await script("restore", ["--verify-only", "--file", dumpFile, "--target-url", restoredUrl]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/differs from the backup in 4 place/);
    expect(cli.stderr).toMatch(/public\.infrastructure_monitoring_default: 9 rows, backup has 10/);
    expect(cli.stderr).toMatch(/public\.organizations: same row count, different contents/);
  });

  it("refuses a non-empty target unless --force, which drops and recreates it", async () => {
    await expect(restoreDatabase({ file: dumpFile, targetUrl: restoredUrl })).rejects.toThrow(/target database "cloudsync_restore_fresh_\w+" is not empty .*pass --force/);
    const result = await restoreDatabase({ file: dumpFile, targetUrl: restoredUrl, force: true });
    expect(result).toMatchObject({ replaced: true });
    expect(result.verification.ok).toBe(true); // the tampering above is gone
  });

  it("refuses bad input with errors that say what to do", async () => {
    const target = withDatabase(adminUrl, targetName("bad"));
    await expect(restoreDatabase({ file: path.join(dir, "nope.dump"), targetUrl: target })).rejects.toThrow(/backup file .*nope\.dump does not exist/);
    await expect(restoreDatabase({ file: dumpFile, targetUrl: "mysql://root:hunter2@db/x" })).rejects.toThrow(/--target-url must be a PostgreSQL URL/);
    await expect(restoreDatabase({ file: dumpFile, targetUrl: "mysql://root:hunter2@db/x" })).rejects.not.toThrow(/hunter2/);
    await expect(restoreDatabase({ file: dumpFile, targetUrl: undefined })).rejects.toThrow(/--target-url is missing/);
    await expect(restoreDatabase({ file: dumpFile, targetUrl: "postgres://postgres@127.0.0.1:5432/" })).rejects.toThrow(/names no database/);

    const orphan = path.join(dir, "orphan.dump");
    copyFileSync(dumpFile, orphan);
    await expect(restoreDatabase({ file: orphan, targetUrl: target })).rejects.toThrow(/manifest .*orphan\.dump\.manifest\.json does not exist/);

    const truncated = path.join(dir, "altered.dump");
    copyFileSync(dumpFile, truncated);
    copyFileSync(`${dumpFile}.manifest.json`, `${truncated}.manifest.json`);
    appendFileSync(truncated, "x");
    await expect(restoreDatabase({ file: truncated, targetUrl: target })).rejects.toThrow(/is not the dump .* describes \(sha256/);

    // A role the backup grants to is missing from the target cluster: refused before anything is created.
    const needy = path.join(dir, "needy.dump");
    copyFileSync(dumpFile, needy);
    writeFileSync(`${needy}.manifest.json`, JSON.stringify({ ...manifest, roles: { ...manifest.roles, grantees: [...manifest.roles.grantees, "cloudsync_auditor_missing"] } }));
    await expect(restoreDatabase({ file: needy, targetUrl: target })).rejects.toThrow(/lacks the role\(s\) cloudsync_auditor_missing/);
    expect(await databaseExists(new URL(target).pathname.slice(1))).toBe(false);
    await expect(restoreDatabase({ file: needy, targetUrl: target, noPrivileges: true })).resolves.toMatchObject({ verification: { ok: true } });

    await expect(backupDatabase({ url: undefined })).rejects.toThrow(BackupError);
    await expect(backupDatabase({ url: undefined })).rejects.toThrow(/DATABASE_URL is not set.*PGlite.*copy the whole \.data\/ directory/);
    await expect(backupDatabase({ url: "file:./.data/pglite" })).rejects.toThrow(/must be a PostgreSQL URL.*PGlite/);
    await expect(backupDatabase({ url: withDatabase(adminUrl, "cloudsync_no_such_db"), out: path.join(dir, "none.dump") })).rejects.toThrow(/database "cloudsync_no_such_db" does not exist/);
    await expect(backupDatabase({ url: source.url, out: dumpFile })).rejects.toThrow(/already exists; choose another --out, or pass --force/);
  });

  it("works end to end through the scripts", async () => {
    const out = path.join(dir, "scripted.dump");
    const backup = await script("backup", ["--", "--out", out], { DATABASE_URL: source.url });
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/backup written: .*scripted\.dump/);
    expect(backup.stdout).toMatch(/manifest: +.*scripted\.dump\.manifest\.json \(\d+ tables, \d+ rows/);

    const target = withDatabase(adminUrl, targetName("script"));
    const restore = await script("restore", ["--file", out, "--target-url", target]);
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/\(created\)/);
    expect(restore.stdout).toMatch(/verified: \d+ tables and \d+ rows match the manifest/);

    const unset = await script("backup", []);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/DATABASE_URL is not set/);
    const usage = await script("restore", ["--target-url", target]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--file is required/);
  });
});
