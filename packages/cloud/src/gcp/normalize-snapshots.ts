import { frequencyOfStarts } from "../common/snapshot-frequency.ts";
import type { BackupExecutionStatus, BackupFrequency, BackupRecord, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";
import { regionFromUrl, str, zoneToRegion } from "./normalize.ts";

/**
 * Compute Engine snapshot schedules (resource policies with a `snapshotSchedulePolicy`), the
 * disks they are attached to, and the project's disk snapshots onto cloudsync's backup
 * vocabulary. Pure: the reader (snapshots.ts) hands in what `resourcePolicies.aggregatedList`,
 * `disks.aggregatedList` and `snapshots.list` said; the rules are in docs/coverage.md, "Backups"
 * → "Compute Engine snapshots".
 */

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
const gib = 1024 ** 3;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

/**
 * A snapshot's `status` as an execution status. DELETING snapshots are on their way out and
 * no recovery point anyone counts on: the reader skips them, and the writer then marks a stored
 * one deleted.
 */
export const gceSnapshotStatuses: Readonly<Record<string, BackupExecutionStatus>> = {
  READY: "completed",
  CREATING: "in_progress",
  UPLOADING: "in_progress",
  FAILED: "failed",
};

/** `…/projects/p/zones/z/disks/d` (any host, any API version) → `projects/p/zones/z/disks/d`, to compare URLs. */
export function resourcePath(url: string | null | undefined): string | null {
  if (!url) return null;
  const at = url.indexOf("projects/");
  return at < 0 ? null : url.slice(at);
}

/** The region of a zonal (`…/zones/us-east1-b/…`) or regional (`…/regions/us-east1/…`) resource URL. */
export function regionOfResourceUrl(url: string | null | undefined): string | null {
  const m = /\/(zones|regions)\/([^/]+)\//.exec(url ?? "");
  if (!m) return null;
  return m[1] === "zones" ? zoneToRegion(m[2]) : regionFromUrl(m[2]);
}

/** A schedule's configuration source id: `snapshot-schedules/<region>/<policy name>`, from the policy's URL. */
export function scheduleSourceId(policyUrl: string): string | null {
  const m = /\/regions\/([^/]+)\/resourcePolicies\/([^/?]+)$/.exec(policyUrl);
  return m ? `snapshot-schedules/${m[1]}/${m[2]}` : null;
}

/** The configuration of a disk's snapshots that no schedule of the disk made (on demand, or a schedule since detached). */
export function onDemandSourceId(diskId: string): string {
  return `gce-snapshots/${diskId}`;
}

const weekdays = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"] as const;

/** `"04:30"` → 270 minutes after midnight (UTC: the API takes schedule times in GMT); null when unreadable. */
function minutesOf(startTime: unknown): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(typeof startTime === "string" ? startTime : "");
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** A snapshot schedule, read: its kind and what the next-run rule needs. */
export type SnapshotSchedule =
  | { kind: "hourly"; hoursInCycle: number; startMinutes: number }
  | { kind: "daily"; daysInCycle: number; startMinutes: number }
  | { kind: "weekly"; days: { weekday: number; startMinutes: number }[] };

/** The `snapshotSchedulePolicy.schedule` of a policy, or the reason it cannot be read. */
export function readSchedule(schedule: unknown): SnapshotSchedule | { skip: string } {
  const s = obj(schedule);
  if (s.hourlySchedule) {
    const h = obj(s.hourlySchedule);
    const n = Number(h.hoursInCycle);
    const start = minutesOf(h.startTime);
    if (!Number.isInteger(n) || n < 1 || start === null) return { skip: `hourly schedule ${JSON.stringify(h)} has no whole hoursInCycle ≥ 1 or no HH:MM startTime` };
    return { kind: "hourly", hoursInCycle: n, startMinutes: start };
  }
  if (s.dailySchedule) {
    const d = obj(s.dailySchedule);
    const n = Number(d.daysInCycle ?? 1);
    const start = minutesOf(d.startTime);
    if (!Number.isInteger(n) || n < 1 || start === null) return { skip: `daily schedule ${JSON.stringify(d)} has no whole daysInCycle ≥ 1 or no HH:MM startTime` };
    return { kind: "daily", daysInCycle: n, startMinutes: start };
  }
  if (s.weeklySchedule) {
    const list = Array.isArray(obj(s.weeklySchedule).dayOfWeeks) ? (obj(s.weeklySchedule).dayOfWeeks as unknown[]) : [];
    const days: { weekday: number; startMinutes: number }[] = [];
    for (const raw of list) {
      const weekday = weekdays.indexOf(String(obj(raw).day) as (typeof weekdays)[number]);
      const start = minutesOf(obj(raw).startTime);
      if (weekday < 0 || start === null) return { skip: `weekly schedule day ${JSON.stringify(raw)} has no weekday name or no HH:MM startTime` };
      days.push({ weekday, startMinutes: start });
    }
    if (days.length === 0) return { skip: "weekly schedule names no day" };
    return { kind: "weekly", days };
  }
  return { skip: "the schedule is neither hourly, daily nor weekly" };
}

/**
 * How often a schedule takes a snapshot: an hourly schedule is `hourly`; a daily one `daily`
 * (every 1–6 days), `weekly` (7–27) or `monthly` (28 and more); a weekly one `weekly`, or
 * `daily` when it names all seven days.
 */
export function frequencyOfSchedule(s: SnapshotSchedule): BackupFrequency {
  if (s.kind === "hourly") return "hourly";
  if (s.kind === "daily") return s.daysInCycle < 7 ? "daily" : s.daysInCycle < 28 ? "weekly" : "monthly";
  return new Set(s.days.map((d) => d.weekday)).size === 7 ? "daily" : "weekly";
}

/** The schedule in words, as `backup_schedule.expression`. */
export function describeSchedule(s: SnapshotSchedule): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  if (s.kind === "hourly") return `every ${s.hoursInCycle} h from ${hhmm(s.startMinutes)} UTC`;
  if (s.kind === "daily") return s.daysInCycle === 1 ? `daily at ${hhmm(s.startMinutes)} UTC` : `every ${s.daysInCycle} days at ${hhmm(s.startMinutes)} UTC`;
  return `weekly on ${s.days.map((d) => `${weekdays[d.weekday]} ${hhmm(d.startMinutes)}`).join(", ")} UTC`;
}

/**
 * The first run a schedule starts strictly after `now`. Times are UTC (the API takes them in GMT).
 * - hourly: at `startTime` and every `hoursInCycle` hours after it, the cycle starting again at
 *   `startTime` each day (exact when the cycle divides 24 hours; otherwise the day's last gap is
 *   shorter than the cycle, an approximation);
 * - daily: at `startTime` every `daysInCycle` days, counted from the policy's creation day
 *   (`created`, else 1970-01-01), so a 1-day cycle is every day;
 * - weekly: at each named day's own `startTime`.
 */
export function nextScheduledRun(s: SnapshotSchedule, now: Date, created?: Date | null): Date {
  const t = now.getTime();
  const dayStart = (ms: number) => Math.floor(ms / dayMs) * dayMs;
  const today = dayStart(t);
  if (s.kind === "hourly") {
    // Today's runs, then tomorrow's first one (which always exists: the cycle starts again at startTime).
    for (let run = today + s.startMinutes * 60_000; run < today + dayMs; run += s.hoursInCycle * hourMs) if (run > t) return new Date(run);
    return new Date(today + dayMs + s.startMinutes * 60_000);
  }
  if (s.kind === "daily") {
    const anchor = created ? dayStart(created.getTime()) : 0;
    const n = s.daysInCycle;
    // The cycle day on or before today, then forward a cycle until the run lies after now.
    let day = today - ((((today - anchor) / dayMs) % n) + n) % n * dayMs;
    while (day + s.startMinutes * 60_000 <= t) day += n * dayMs;
    return new Date(day + s.startMinutes * 60_000);
  }
  let best = Number.POSITIVE_INFINITY;
  const weekday = new Date(today).getUTCDay();
  for (const d of s.days) {
    for (const week of [0, 7]) {
      const run = today + (((d.weekday - weekday + 7) % 7) + week) * dayMs + d.startMinutes * 60_000;
      if (run > t && run < best) best = run;
    }
  }
  return new Date(best);
}

/** GCS multi-regions a snapshot may be stored in, and the prefix of the regions each contains. */
const multiRegions: Readonly<Record<string, string>> = { us: "us-", eu: "europe-", asia: "asia-" };

/**
 * Whether a snapshot stored in `locations` leaves the disk's region: true when one location is
 * neither the disk's region nor a multi-region containing it (`us` holds `us-*`, `eu`
 * `europe-*`, `asia` `asia-*`). No locations means Google's default, the multi-region nearest
 * the disk: not cross-region.
 */
export function isCrossRegion(diskRegion: string | null, locations: readonly string[]): boolean {
  if (!diskRegion) return false;
  return locations.some((l) => l !== diskRegion && !(multiRegions[l] !== undefined && diskRegion.startsWith(multiRegions[l] as string)));
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
}

/** Where a schedule's (or a snapshot's) recovery points live, as `backup_destination`. */
export function destinationOf(diskRegion: string | null, locations: readonly string[]): Record<string, unknown> {
  const single = locations.length === 1 && multiRegions[locations[0] as string] === undefined ? (locations[0] as string) : null;
  return {
    service: "gce_snapshots",
    // A region the DR evaluation can compare with a recovery region; a multi-region or the default is none.
    region: single,
    storage_locations: [...locations],
    default_location: locations.length === 0,
    disk_region: diskRegion,
    cross_region: isCrossRegion(diskRegion, locations),
  };
}

export interface SnapshotInput {
  project: string;
  now: Date;
  /** Raw resource policies (every region); those without `snapshotSchedulePolicy` are ignored. */
  policies: readonly Record<string, unknown>[];
  /** Raw disks (every zone and region): their ids and attached `resourcePolicies`. */
  disks: readonly Record<string, unknown>[];
  snapshots: readonly Record<string, unknown>[];
}

export type GceSnapshotSkip = { itemId: string | null; reason: string };

interface ReadPolicy {
  url: string;
  sourceId: string;
  name: string;
  region: string | null;
  schedule: SnapshotSchedule;
  retentionDays: number | null;
  locations: string[];
  ready: boolean;
  created: Date | null;
  raw: Record<string, unknown>;
}

function readPolicies(input: SnapshotInput, skipped: GceSnapshotSkip[]): Map<string, ReadPolicy> {
  const byPath = new Map<string, ReadPolicy>();
  for (const p of input.policies) {
    const snap = obj(p.snapshotSchedulePolicy);
    if (!p.snapshotSchedulePolicy) continue;
    const url = str(p, "selfLink");
    const name = str(p, "name");
    const sourceId = url ? scheduleSourceId(url) : null;
    const path = resourcePath(url);
    if (!url || !name || !sourceId || !path) {
      skipped.push({ itemId: str(p, "id"), reason: `snapshot schedule ${name ?? "(unnamed)"} has no regional selfLink; its disks cannot be matched` });
      continue;
    }
    const schedule = readSchedule(snap.schedule);
    if ("skip" in schedule) {
      skipped.push({ itemId: name, reason: `snapshot schedule ${name}: ${schedule.skip}` });
      continue;
    }
    const days = Number(obj(snap.retentionPolicy).maxRetentionDays);
    const created = str(p, "creationTimestamp");
    byPath.set(path, {
      url,
      sourceId,
      name,
      region: regionFromUrl(str(p, "region")) ?? regionOfResourceUrl(url),
      schedule,
      retentionDays: Number.isFinite(days) && days > 0 ? days : null,
      locations: stringList(obj(snap.snapshotProperties).storageLocations),
      // CREATING, DELETING, EXPIRED and INVALID policies take no snapshots.
      ready: (str(p, "status") ?? "READY") === "READY",
      created: created && !Number.isNaN(Date.parse(created)) ? new Date(created) : null,
      raw: snap,
    });
  }
  return byPath;
}

function diskRegionOf(d: Record<string, unknown>): string | null {
  return zoneToRegion(str(d, "zone")) ?? regionFromUrl(str(d, "region"));
}

/**
 * A project's snapshot schedules, disks and snapshots as records:
 * - each disk with a snapshot schedule attached gets one configuration per schedule,
 *   `snapshot-schedules/<region>/<policy>`: type `snapshot`, frequency and next run from the
 *   schedule, retention `maxRetentionDays`, destination its `storageLocations`, active unless
 *   the policy is not READY;
 * - each snapshot is an execution of the disk it was taken of (`sourceDiskId`), under the
 *   schedule that made it (`sourceSnapshotSchedulePolicy`) when that schedule is still attached
 *   to the disk, else under the disk's `gce-snapshots/<disk id>` configuration (type `snapshot`,
 *   frequency from the spacing of those snapshots, kept until deleted, paused: nothing in the
 *   cloud takes them again);
 * - READY snapshots completed at their `creationTimestamp` (the instant they captured; the API
 *   has no completion time), sized by `storageBytes` (what they bill) else `diskSizeGb`.
 * Skipped, with the reason: unreadable schedules, schedules a disk names that the listing did not
 * return, DELETING snapshots, and snapshots naming no source disk (made from an image or a
 * snapshot) or no creation time.
 */
export function gceSnapshotRecords(input: SnapshotInput): { records: BackupRecord[]; skipped: GceSnapshotSkip[] } {
  const skipped: GceSnapshotSkip[] = [];
  const policies = readPolicies(input, skipped);
  const records: BackupRecord[] = [];
  const diskIdByPath = new Map<string, string>();
  const regionOfDisk = new Map<string, string | null>();
  /** Per disk id, the configuration source ids of the schedules attached to it. */
  const attached = new Map<string, Set<string>>();
  for (const d of input.disks) {
    const id = str(d, "id");
    if (!id) continue;
    const path = resourcePath(str(d, "selfLink"));
    if (path) diskIdByPath.set(path, id);
    const region = diskRegionOf(d);
    regionOfDisk.set(id, region);
    for (const url of stringList(d.resourcePolicies)) {
      const policyPath = resourcePath(url);
      const policy = policyPath ? policies.get(policyPath) : undefined;
      if (!policy) {
        // An instance schedule or another non-snapshot policy is no backup; only a missing snapshot schedule is worth a word.
        if (!input.policies.some((p) => resourcePath(str(p, "selfLink")) === policyPath)) {
          skipped.push({ itemId: id, reason: `disk ${str(d, "name") ?? id} names resource policy ${url}, which the aggregated list did not return` });
        }
        continue;
      }
      const set = attached.get(id) ?? new Set<string>();
      set.add(policy.sourceId);
      attached.set(id, set);
      const config: NormalizedBackupConfiguration = {
        record: "configuration",
        cloud: "gcp",
        account: input.project,
        sourceId: policy.sourceId,
        resourceId: id,
        backupType: "snapshot",
        frequency: frequencyOfSchedule(policy.schedule),
        schedule: describeSchedule(policy.schedule),
        retentionDays: policy.retentionDays,
        destination: destinationOf(region, policy.locations),
        enabled: policy.ready,
        nextBackupAt: policy.ready ? nextScheduledRun(policy.schedule, input.now, policy.created).toISOString() : null,
        details: {
          policy: policy.name,
          policy_region: policy.region,
          policy_url: policy.url,
          schedule: obj(policy.raw.schedule),
          on_source_disk_delete: obj(policy.raw.retentionPolicy).onSourceDiskDelete ?? null,
          guest_flush: obj(policy.raw.snapshotProperties).guestFlush ?? null,
          chain_name: obj(policy.raw.snapshotProperties).chainName ?? null,
        },
      };
      records.push(config);
    }
  }

  type Taken = { raw: Record<string, unknown>; id: string; disk: string; status: BackupExecutionStatus; started: Date; config: string };
  const taken: Taken[] = [];
  for (const s of input.snapshots) {
    const id = str(s, "id");
    const name = str(s, "name") ?? id;
    if (!id) {
      skipped.push({ itemId: name, reason: `snapshot ${name ?? "(unnamed)"} has no id` });
      continue;
    }
    const raw = str(s, "status") ?? "";
    const status = gceSnapshotStatuses[raw];
    if (!status) {
      skipped.push({ itemId: id, reason: raw === "DELETING" ? `snapshot ${name} is being deleted` : `snapshot ${name} has an unknown status ${JSON.stringify(raw)}` });
      continue;
    }
    const sourceDisk = str(s, "sourceDisk");
    const disk = str(s, "sourceDiskId") ?? diskIdByPath.get(resourcePath(sourceDisk) ?? "");
    if (!disk) {
      skipped.push({ itemId: id, reason: `snapshot ${name} names no source disk (${sourceDisk ? `${sourceDisk} is gone and no sourceDiskId` : "made from an image or another snapshot"}); it cannot be linked to a resource` });
      continue;
    }
    const created = str(s, "creationTimestamp");
    if (!created || Number.isNaN(Date.parse(created))) {
      skipped.push({ itemId: id, reason: `snapshot ${name} has no creationTimestamp` });
      continue;
    }
    const policyUrl = str(s, "sourceSnapshotSchedulePolicy");
    const bySchedule = policyUrl ? scheduleSourceId(policyUrl) : null;
    const config = bySchedule && attached.get(disk)?.has(bySchedule) ? bySchedule : onDemandSourceId(disk);
    if (!regionOfDisk.has(disk)) regionOfDisk.set(disk, regionOfResourceUrl(sourceDisk));
    taken.push({ raw: s, id, disk, status, started: new Date(created), config });
  }

  // The disks' own configurations for snapshots no attached schedule made, one per disk.
  const onDemand = new Map<string, Taken[]>();
  for (const t of taken) {
    if (t.config !== onDemandSourceId(t.disk)) continue;
    const list = onDemand.get(t.disk) ?? [];
    list.push(t);
    onDemand.set(t.disk, list);
  }
  for (const [disk, list] of onDemand) {
    const locations = [...new Set(list.flatMap((t) => stringList(t.raw.storageLocations)))].sort();
    records.push({
      record: "configuration",
      cloud: "gcp",
      account: input.project,
      sourceId: onDemandSourceId(disk),
      resourceId: disk,
      backupType: "snapshot",
      frequency: frequencyOfStarts(list.map((t) => t.started)),
      schedule: null,
      retentionDays: null,
      destination: destinationOf(regionOfDisk.get(disk) ?? null, locations),
      enabled: false,
      details: { on_demand: true, snapshot_count: list.length },
    });
  }

  for (const t of taken) {
    const s = t.raw;
    const storage = Number(str(s, "storageBytes"));
    const diskGb = Number(str(s, "diskSizeGb"));
    const size = Number.isFinite(storage) && storage > 0 ? storage : Number.isFinite(diskGb) && diskGb > 0 ? diskGb * gib : null;
    const locations = stringList(s.storageLocations);
    const done = t.status === "completed";
    const execution: NormalizedBackupExecution = {
      record: "execution",
      cloud: "gcp",
      account: input.project,
      sourceId: `snapshots/${t.id}`,
      configurationSourceId: t.config,
      resourceId: t.disk,
      status: t.status,
      startedAt: t.started.toISOString(),
      completedAt: done ? t.started.toISOString() : null,
      sizeBytes: size,
      recoveryPoint: done ? (str(s, "selfLink") ?? str(s, "name")) : null,
      location: locations[0] ?? null,
      error: t.status === "failed" ? `snapshot ${str(s, "name") ?? t.id} failed; Compute Engine reports no reason: take it again or check the disk's operations` : null,
      details: {
        snapshot: "gce",
        snapshot_id: t.id,
        name: str(s, "name"),
        account: input.project,
        region: regionOfDisk.get(t.disk) ?? null,
        storage_locations: locations,
        cross_region: isCrossRegion(regionOfDisk.get(t.disk) ?? null, locations),
        auto_created: s.autoCreated === true,
        source_policy: str(s, "sourceSnapshotSchedulePolicy"),
        disk_size_gb: Number.isFinite(diskGb) ? diskGb : null,
        storage_bytes_status: str(s, "storageBytesStatus"),
        snapshot_type: str(s, "snapshotType"),
      },
    };
    records.push(execution);
  }
  return { records, skipped };
}
