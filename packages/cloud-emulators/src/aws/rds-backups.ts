import { hashString } from "../rng.ts";
import type { AwsErrorReply } from "./errors.ts";
import { queryErrorReply } from "./errors.ts";
import type { AwsEstate } from "./estate.ts";
import type { EmulatedResource } from "./model.ts";
import { decodeToken, encodeToken, pageSizeParam } from "./paging.ts";
import { queryResponse } from "./render-query.ts";
import { el, wrap } from "./xml.ts";

/**
 * RDS automated backups and DB snapshots, as the RDS API reference documents them.
 *
 * DescribeDBInstances carries each instance's BackupRetentionPeriod (days, 0 = automated backups
 * off), PreferredBackupWindow (`hh24:mi-hh24:mi`, UTC), LatestRestorableTime (only while backups
 * are on) and DBInstanceAutomatedBackupsReplications (the ARNs of automated backups replicated
 * to another region). See `rdsBackupFields`.
 *
 * DescribeDBSnapshots (Query protocol, `DescribeDBSnapshotsResult` → `DBSnapshots` of
 * `DBSnapshot`, then `Marker` while more remain): `MaxRecords` 20–100 (default 100) and `Marker`
 * page it; without `SnapshotType` it lists the account's automated and manual snapshots (shared,
 * public and AWS Backup ones only when asked for by type, which this estate has none of);
 * `DBInstanceIdentifier` and `DBSnapshotIdentifier` narrow it and must name something that
 * exists (404 `DBInstanceNotFound` / `DBSnapshotNotFound`), and may not be combined (400
 * `InvalidParameterCombination`).
 *
 * The estate, deterministic in the seed and the emulator's clock, per DB instance (hash h):
 * - retention 0 (backups off) for one instance in five, else 1, 7, 14 or 35 days; a 30-minute
 *   window starting at hour (h >>> 5) % 24 and minute 0/15/30/45; one in six with backups on
 *   replicates them to another region;
 * - with backups on and the instance created: one automated snapshot a day at the window's start
 *   for the last min(retention, 3) days (`rds:<id>-yyyy-mm-dd-hh-mm`), the newest still
 *   `creating` for one instance in seven;
 * - one instance in three: a manual snapshot 40 days old; one in nine besides a manual one 200
 *   days old; one in thirteen a manual one that `failed` a day ago;
 * - the first instance of the region with an available manual snapshot also has a copy of it
 *   in another region (listed there, with SourceRegion naming this one).
 */

export interface AwsExpectedRdsBackup {
  account: string;
  region: string;
  instanceArn: string;
  identifier: string;
  retentionDays: number;
  /** `hh:mm-hh:mm`, UTC. */
  window: string;
  latestRestorableTime: Date | null;
  /** Regions the automated backups are replicated to. */
  replicatedTo: string[];
}

export interface AwsExpectedRdsSnapshot {
  account: string;
  /** Where it is listed. */
  region: string;
  arn: string;
  identifier: string;
  instanceArn: string;
  instanceIdentifier: string;
  type: "automated" | "manual";
  engine: string;
  status: "available" | "creating" | "failed";
  createTime: Date;
  allocatedGib: number;
  /** The region it was copied from, for a cross-region copy. */
  sourceRegion: string | null;
}

export interface RdsBackupBook {
  instances(account: string, region: string): AwsExpectedRdsBackup[];
  snapshots(account: string, region: string): AwsExpectedRdsSnapshot[];
  /** The backup settings of one instance (by ARN), for DescribeDBInstances. */
  settingsOf(instanceArn: string): AwsExpectedRdsBackup | undefined;
  /** The owner deletes a DB snapshot (by ARN): it is no longer listed. False when none has that ARN. */
  delete(arn: string): boolean;
}

const day = 86_400_000;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function settingsFor(seedHash: number, item: EmulatedResource, regions: readonly string[], now: Date): AwsExpectedRdsBackup {
  const h = hashString(`${seedHash}:${item.id}:rds-backups`);
  const retentionDays = h % 5 === 0 ? 0 : ([1, 7, 14, 35][(h >>> 3) % 4] as number);
  const hour = (h >>> 5) % 24;
  const minute = [0, 15, 30, 45][(h >>> 10) % 4] as number;
  const end = hour * 60 + minute + 30;
  const window = `${pad(hour)}:${pad(minute)}-${pad(Math.floor(end / 60) % 24)}:${pad(end % 60)}`;
  const other = regions.find((r) => r !== item.region);
  const replicated = retentionDays > 0 && h % 6 === 1 && other !== undefined;
  return {
    account: item.account,
    region: item.region,
    instanceArn: item.id,
    identifier: item.extra.identifier ?? item.naturalName ?? "",
    retentionDays,
    window,
    latestRestorableTime: retentionDays > 0 && item.state !== "creating" ? new Date(now.getTime() - 5 * 60_000) : null,
    replicatedTo: replicated ? [other as string] : [],
  };
}

export function createRdsBackupBook(options: { seedHash: number; estate: AwsEstate; regions: readonly string[]; now: Date }): RdsBackupBook {
  const { seedHash, estate, regions, now } = options;
  const deleted = new Set<string>();
  const dbs = (account: string, region: string): EmulatedResource[] => {
    const scope = estate.scope(account, region, "rds_instance");
    return scope ? estate.page(scope, 0, Number.POSITIVE_INFINITY).items : [];
  };
  /** Every snapshot taken of the instances of one account and region, wherever it is listed. */
  function takenIn(account: string, region: string): AwsExpectedRdsSnapshot[] {
    const out: AwsExpectedRdsSnapshot[] = [];
    let copyDone = false;
    for (const item of dbs(account, region)) {
      // Aurora keeps its backups per cluster (DescribeDBClusterSnapshots), never as DB snapshots.
      if ((item.extra.engine ?? "").startsWith("aurora")) continue;
      const s = settingsFor(seedHash, item, regions, now);
      const h = hashString(`${seedHash}:${item.id}:rds-snapshots`);
      const base = {
        account,
        region,
        instanceArn: item.id,
        instanceIdentifier: s.identifier,
        engine: item.extra.engine ?? "postgres",
        allocatedGib: Number(item.extra.storageGb) || 20,
        sourceRegion: null,
      };
      const arnOf = (r: string, name: string) => `arn:aws:rds:${r}:${account}:snapshot:${name}`;
      if (s.retentionDays > 0 && item.state !== "creating") {
        const [hh, mm] = s.window.slice(0, 5).split(":").map(Number) as [number, number];
        const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hh, mm);
        for (let k = 1; k <= Math.min(s.retentionDays, 3); k++) {
          const at = new Date(todayStart - k * day);
          const name = `rds:${s.identifier}-${at.toISOString().slice(0, 16).replace(/[T:]/g, "-")}`;
          const creating = k === 1 && h % 7 === 3;
          out.push({ ...base, arn: arnOf(region, name), identifier: name, type: "automated", status: creating ? "creating" : "available", createTime: at });
        }
      }
      const manual: AwsExpectedRdsSnapshot[] = [];
      if (h % 3 === 1) manual.push({ ...base, arn: arnOf(region, `${s.identifier}-before-upgrade`), identifier: `${s.identifier}-before-upgrade`, type: "manual", status: "available", createTime: new Date(now.getTime() - 40 * day - (h % 3600) * 1000) });
      if (h % 9 === 4) manual.push({ ...base, arn: arnOf(region, `${s.identifier}-archive`), identifier: `${s.identifier}-archive`, type: "manual", status: "available", createTime: new Date(now.getTime() - 200 * day) });
      if (h % 13 === 6) manual.push({ ...base, arn: arnOf(region, `${s.identifier}-adhoc`), identifier: `${s.identifier}-adhoc`, type: "manual", status: "failed", createTime: new Date(now.getTime() - day) });
      out.push(...manual);
      const original = manual.find((m) => m.status === "available");
      const target = regions.find((r) => r !== region);
      if (!copyDone && original && target) {
        copyDone = true;
        const name = `${original.identifier}-copy`;
        out.push({ ...original, region: target, arn: arnOf(target, name), identifier: name, sourceRegion: region, createTime: new Date(original.createTime.getTime() + 3_600_000) });
      }
    }
    return out;
  }
  return {
    instances: (account, region) => dbs(account, region).map((item) => settingsFor(seedHash, item, regions, now)),
    snapshots: (account, region) =>
      regions.flatMap((from) => takenIn(account, from)).filter((s) => s.region === region && !deleted.has(s.arn)),
    settingsOf(instanceArn) {
      const item = estate.find(instanceArn);
      return item?.kind === "rds_instance" ? settingsFor(seedHash, item, regions, now) : undefined;
    },
    delete(arn) {
      if (deleted.has(arn)) return false;
      const m = /^arn:aws:rds:([^:]+):(\d{12}):snapshot:/.exec(arn);
      if (!m) return false;
      const found = regions.some((from) => takenIn(m[2] as string, from).some((s) => s.arn === arn));
      if (found) deleted.add(arn);
      return found;
    },
  };
}

/** The backup members of a `DBInstance` element, in the order the API reference lists them. */
export function rdsBackupFields(s: AwsExpectedRdsBackup | undefined): { retention: string; restorable: string; window: string; replications: string } {
  if (!s) return { retention: "", restorable: "", window: "", replications: "" };
  return {
    retention: el("BackupRetentionPeriod", s.retentionDays),
    restorable: s.latestRestorableTime ? el("LatestRestorableTime", s.latestRestorableTime.toISOString()) : "",
    window: el("PreferredBackupWindow", s.window),
    replications:
      s.replicatedTo.length > 0
        ? wrap(
            "DBInstanceAutomatedBackupsReplications",
            s.replicatedTo
              .map((r) => wrap("DBInstanceAutomatedBackupsReplication", el("DBInstanceAutomatedBackupsArn", `arn:aws:rds:${r}:${s.account}:auto-backup:ab-${(hashString(s.instanceArn + r) >>> 0).toString(36)}`)))
              .join(""),
          )
        : "",
  };
}

function renderDbSnapshot(s: AwsExpectedRdsSnapshot): string {
  return wrap(
    "DBSnapshot",
    el("DBSnapshotIdentifier", s.identifier) +
      el("DBInstanceIdentifier", s.instanceIdentifier) +
      el("SnapshotCreateTime", s.createTime.toISOString()) +
      el("Engine", s.engine) +
      el("AllocatedStorage", s.allocatedGib) +
      el("Status", s.status) +
      el("Port", s.engine.includes("postgres") ? 5432 : 3306) +
      el("AvailabilityZone", `${s.sourceRegion ?? s.region}a`) +
      el("MasterUsername", "admin") +
      el("EngineVersion", s.engine.includes("postgres") ? "16.3" : "8.0.36") +
      el("SnapshotType", s.type) +
      el("PercentProgress", s.status === "available" ? 100 : s.status === "creating" ? 37 : 0) +
      (s.sourceRegion ? el("SourceRegion", s.sourceRegion) + el("SourceDBSnapshotIdentifier", s.arn.replace(`:${s.region}:`, `:${s.sourceRegion}:`).replace(/-copy$/, "")) : "") +
      el("StorageType", "gp3") +
      el("Encrypted", true) +
      el("KmsKeyId", `arn:aws:kms:${s.region}:${s.account}:key/00000000-1111-2222-3333-444444444444`) +
      el("DBSnapshotArn", s.arn) +
      el("IAMDatabaseAuthenticationEnabled", false) +
      el("DbiResourceId", `db-${(hashString(s.instanceArn) >>> 0).toString(16).toUpperCase()}`) +
      wrap("TagList", "") +
      el("OriginalSnapshotCreateTime", s.createTime.toISOString()) +
      el("SnapshotTarget", "region"),
  );
}

export function describeDbSnapshots(
  book: RdsBackupBook,
  call: { account: string; region: string; form: URLSearchParams; requestId: string },
): { body: string } | AwsErrorReply {
  const fail = (status: number, code: string, message: string) => queryErrorReply("rds", status, code, message, call.requestId);
  const instance = call.form.get("DBInstanceIdentifier");
  const snapshot = call.form.get("DBSnapshotIdentifier");
  if (instance && snapshot) return fail(400, "InvalidParameterCombination", "Cannot specify both DBInstanceIdentifier and DBSnapshotIdentifier.");
  const size = pageSizeParam(call.form.get("MaxRecords"), 20, 100, 100);
  if (size === undefined) return fail(400, "InvalidParameterValue", "Invalid value for parameter MaxRecords: it must be between 20 and 100.");
  const start = decodeToken(call.form.get("Marker"));
  if (start === undefined) return fail(400, "InvalidParameterValue", "The marker is not valid.");
  const type = call.form.get("SnapshotType");
  let all = book.snapshots(call.account, call.region).filter((s) => !type || s.type === type);
  if (instance) {
    if (!book.instances(call.account, call.region).some((i) => i.identifier === instance.toLowerCase())) {
      return fail(404, "DBInstanceNotFound", `DBInstance ${instance} not found.`);
    }
    all = all.filter((s) => s.instanceIdentifier === instance.toLowerCase());
  }
  if (snapshot) {
    all = all.filter((s) => s.identifier === snapshot.toLowerCase() || s.arn === snapshot);
    if (all.length === 0) return fail(404, "DBSnapshotNotFound", `DBSnapshot ${snapshot} not found.`);
  }
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? encodeToken(start + size) : undefined;
  const result = wrap("DBSnapshots", page.map(renderDbSnapshot).join("")) + el("Marker", next);
  return { body: queryResponse("rds", "DescribeDBSnapshots", call.requestId, result) };
}
