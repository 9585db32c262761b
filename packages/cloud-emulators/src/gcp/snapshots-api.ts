import { hashString } from "../rng.ts";
import { diskSchedules, type SnapshotPolicyName, snapshotPolicyNames } from "./disk-schedules.ts";
import { emulatorRegions } from "./catalog.ts";
import type { GcpEstate } from "./estate.ts";
import { API_BASE, type GeneratedItem } from "./items.ts";
import type { ApiAnswer, RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, errors } from "./wire.ts";

/**
 * Compute Engine snapshot schedules and disk snapshots, as the Compute API reference documents
 * them:
 * - `resourcePolicies.aggregatedList` (`GET /compute/v1/projects/{project}/aggregated/resourcePolicies`,
 *   `maxResults`, `pageToken`): `{kind: "compute#resourcePolicyAggregatedList", id, items:
 *   {"regions/<r>": {resourcePolicies: [...]} | {warning}}, nextPageToken, selfLink}`. Every
 *   region has three snapshot schedules: `snap-daily` (04:00 UTC, 14 days, stored in the region),
 *   `snap-weekly` (Sundays 02:00 UTC, 60 days, stored in another region: a cross-region copy) and
 *   `snap-hourly` (every 6 h from 00:00 UTC, 2 days, Google's default location), plus one
 *   instance schedule (`stop-nightly`, no snapshots);
 * - `snapshots.list` (`GET /compute/v1/projects/{project}/global/snapshots`, same paging):
 *   `{kind: "compute#snapshotList", id, items, nextPageToken, selfLink}`.
 * Which disks a schedule protects is on the disk (`resourcePolicies`, set by `diskSchedules`
 * (disk-schedules.ts) when the estate generates it). Each such disk has the snapshots its schedules took before the
 * emulator's backup clock (the last 3 daily, 2 weekly, 4 six-hourly runs); the newest one is
 * CREATING when it started less than 15 minutes before the clock, and in one disk of seven the
 * newest daily snapshot FAILED. Every third unprotected disk has two snapshots taken by hand, and
 * every project holds one snapshot made from an image (no source disk). Runs are found by
 * walking back hour by hour, not by the adapter's next-run rule.
 */

/** Where Google keeps a snapshot when nobody chose: the multi-region of the disk's continent. */
function defaultLocation(region: string): string {
  return region.startsWith("europe-") ? "eu" : region.startsWith("asia-") || region.startsWith("australia-") ? "asia" : "us";
}

/** The region `snap-weekly` of `region` copies to: the next region of the catalog. */
function partnerRegion(region: string): string {
  const i = emulatorRegions.findIndex((r) => r.code === region);
  return (emulatorRegions[(i + 1) % emulatorRegions.length] as { code: string }).code;
}

interface PolicyShape {
  schedule: Record<string, unknown>;
  retentionDays: number;
  locations: (region: string) => string[];
  /** Whether a run starts at this whole UTC hour. */
  runsAt: (d: Date) => boolean;
  kept: number;
}

const shapes: Record<SnapshotPolicyName, PolicyShape> = {
  "snap-daily": {
    schedule: { dailySchedule: { daysInCycle: 1, startTime: "04:00", duration: "PT14400S" } },
    retentionDays: 14,
    locations: (r) => [r],
    runsAt: (d) => d.getUTCHours() === 4,
    kept: 3,
  },
  "snap-weekly": {
    schedule: { weeklySchedule: { dayOfWeeks: [{ day: "SUNDAY", startTime: "02:00", duration: "PT14400S" }] } },
    retentionDays: 60,
    locations: (r) => [partnerRegion(r)],
    runsAt: (d) => d.getUTCDay() === 0 && d.getUTCHours() === 2,
    kept: 2,
  },
  "snap-hourly": {
    schedule: { hourlySchedule: { hoursInCycle: 6, startTime: "00:00", duration: "PT3600S" } },
    retentionDays: 2,
    locations: () => [],
    runsAt: (d) => d.getUTCHours() % 6 === 0,
    kept: 4,
  },
};

/** A snapshot schedule protecting a disk, as the adapter should configure it. */
export interface GcpExpectedSnapshotSchedule {
  project: string;
  diskId: string;
  diskRegion: string;
  policy: SnapshotPolicyName;
  retentionDays: number;
  storageLocations: string[];
}

export interface GcpExpectedSnapshot {
  project: string;
  id: string;
  name: string;
  /** The disk's resource id; null for the snapshot made from an image. */
  diskId: string | null;
  diskRegion: string | null;
  /** The schedule that took it; null for one taken by hand. */
  policy: SnapshotPolicyName | null;
  status: "READY" | "CREATING" | "FAILED";
  createdAt: Date;
  storageLocations: string[];
  raw: Record<string, unknown>;
}

const maxPageSize = 500;
const hourMs = 3_600_000;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").slice(0, 12);
}

export class SnapshotsApi {
  /** Snapshot names a test deleted. */
  readonly deleted = new Set<string>();

  constructor(
    private readonly estate: GcpEstate,
    private readonly now: Date,
    private readonly denied: ReadonlySet<string>,
    private readonly unreachable: () => ReadonlySet<string>,
  ) {}

  private disks(project: string): GeneratedItem[] {
    return this.estate.page(project, "disk", 0, Number.POSITIVE_INFINITY).items;
  }

  private policies(project: string): { scopeKey: string; raw: Record<string, unknown> }[] {
    return emulatorRegions.flatMap((region, ri) => {
      const r = region.code;
      const base = `${API_BASE}/projects/${project}/regions/${r}`;
      const common = (name: string, i: number) => ({
        kind: "compute#resourcePolicy",
        id: String(8_100_000_000_000 + ri * 10 + i),
        creationTimestamp: "2026-01-05T00:00:00.000-08:00",
        selfLink: `${base}/resourcePolicies/${name}`,
        region: base,
        name,
        status: "READY",
      });
      const snaps = snapshotPolicyNames.map((name, i) => ({
        scopeKey: `regions/${r}`,
        raw: {
          ...common(name, i),
          description: `${name} snapshots of ${r}`,
          snapshotSchedulePolicy: {
            schedule: shapes[name].schedule,
            retentionPolicy: { maxRetentionDays: shapes[name].retentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
            snapshotProperties: {
              ...(shapes[name].locations(r).length > 0 ? { storageLocations: shapes[name].locations(r) } : {}),
              guestFlush: false,
              labels: { managed_by: "snapshot-schedule" },
            },
          },
        },
      }));
      const stop = { scopeKey: `regions/${r}`, raw: { ...common("stop-nightly", 3), instanceSchedulePolicy: { vmStopSchedule: { schedule: "0 22 * * *" }, timeZone: "UTC" } } };
      return [...snaps, stop];
    });
  }

  /** The runs a schedule started before the clock, newest first (whole hours walked back over 30 days). */
  private runsOf(name: SnapshotPolicyName): Date[] {
    const runs: Date[] = [];
    const shape = shapes[name];
    for (let t = Math.floor(this.now.getTime() / hourMs) * hourMs; runs.length < shape.kept && t > this.now.getTime() - 30 * 86_400_000; t -= hourMs) {
      if (shape.runsAt(new Date(t))) runs.push(new Date(t));
    }
    return runs;
  }

  private snapshotsOf(project: string): GcpExpectedSnapshot[] {
    const out: GcpExpectedSnapshot[] = [];
    let unprotected = 0;
    for (const disk of this.disks(project)) {
      const diskId = disk.raw.id as string;
      const region = disk.region;
      const diskName = disk.raw.name as string;
      const sizeGb = Number(disk.raw.sizeGb);
      const h = hashString(`${diskId}:snapshots`) >>> 0;
      const take = (policy: SnapshotPolicyName | null, at: Date, status: GcpExpectedSnapshot["status"], k: number) => {
        const locations = policy ? shapes[policy].locations(region) : [];
        const stored = locations.length > 0 ? locations : [defaultLocation(region)];
        const hk = hashString(`${diskId}:${policy}:${at.getTime()}`) >>> 0;
        const name = `${diskName.slice(0, 30)}-${stamp(at)}-${hk.toString(16).slice(0, 4).padStart(4, "0")}`;
        const id = String(6_000_000_000_000 + (hk % 1_000_000_000_000));
        const ready = status === "READY";
        const raw: Record<string, unknown> = {
          kind: "compute#snapshot",
          id,
          creationTimestamp: at.toISOString(),
          name,
          status,
          sourceDisk: disk.raw.selfLink,
          sourceDiskId: diskId,
          diskSizeGb: String(sizeGb),
          // The first snapshot of a chain holds the disk's used blocks, later ones what changed since.
          storageBytes: ready ? String(Math.round(sizeGb * 1024 ** 3 * (k === 0 ? 0.35 : 0.04))) : "0",
          storageBytesStatus: ready ? "UP_TO_DATE" : "UPDATING",
          selfLink: `${API_BASE}/projects/${project}/global/snapshots/${name}`,
          labels: policy ? { managed_by: "snapshot-schedule" } : {},
          storageLocations: stored,
          autoCreated: policy !== null,
          ...(policy
            ? {
                sourceSnapshotSchedulePolicy: `${API_BASE}/projects/${project}/regions/${region}/resourcePolicies/${policy}`,
                sourceSnapshotSchedulePolicyId: String(8_100_000_000_000 + emulatorRegions.findIndex((r) => r.code === region) * 10 + snapshotPolicyNames.indexOf(policy)),
              }
            : {}),
          architecture: "X86_64",
          snapshotType: "STANDARD",
        };
        out.push({ project, id, name, diskId, diskRegion: region, policy, status, createdAt: at, storageLocations: stored, raw });
      };
      const schedules = diskSchedules(diskId);
      for (const policy of schedules) {
        const runs = this.runsOf(policy);
        runs.forEach((at, k) => {
          const newest = k === 0;
          const status = newest && this.now.getTime() - at.getTime() < 15 * 60_000 ? "CREATING" : newest && policy === "snap-daily" && h % 7 === 3 ? "FAILED" : "READY";
          take(policy, at, status, runs.length - 1 - k);
        });
      }
      // Every third disk no schedule protects, counted per project, so each project has some.
      if (schedules.length === 0 && unprotected++ % 3 === 0) {
        const noon = Math.floor(this.now.getTime() / 86_400_000) * 86_400_000 + 12 * hourMs;
        take(null, new Date(noon - 10 * 86_400_000), "READY", 0);
        take(null, new Date(noon - 3 * 86_400_000), "READY", 1);
      }
    }
    const at = new Date(Date.UTC(2026, 0, 12, 9));
    const name = "golden-image-snapshot";
    out.push({
      project,
      id: String(6_999_000_000_000 + (hashString(project) >>> 0) % 1_000_000),
      name,
      diskId: null,
      diskRegion: null,
      policy: null,
      status: "READY",
      createdAt: at,
      storageLocations: ["us"],
      raw: {
        kind: "compute#snapshot",
        id: String(6_999_000_000_000 + (hashString(project) >>> 0) % 1_000_000),
        creationTimestamp: at.toISOString(),
        name,
        status: "READY",
        diskSizeGb: "10",
        storageBytes: "2147483648",
        storageBytesStatus: "UP_TO_DATE",
        selfLink: `${API_BASE}/projects/${project}/global/snapshots/${name}`,
        storageLocations: ["us"],
        autoCreated: false,
        snapshotType: "STANDARD",
      },
    });
    return out.filter((s) => !this.deleted.has(s.name)).sort((a, b) => a.name.localeCompare(b.name));
  }

  expectedSnapshots(): GcpExpectedSnapshot[] {
    return this.estate.projects.flatMap((p) => this.snapshotsOf(p));
  }

  expectedSchedules(): GcpExpectedSnapshotSchedule[] {
    return this.estate.projects.flatMap((project) =>
      this.disks(project).flatMap((disk) =>
        diskSchedules(disk.raw.id as string).map((policy) => ({
          project,
          diskId: disk.resourceId,
          diskRegion: disk.region,
          policy,
          retentionDays: shapes[policy].retentionDays,
          storageLocations: shapes[policy].locations(disk.region),
        })),
      ),
    );
  }

  route(method: string, url: URL): RoutedRequest | null {
    const match = /^\/compute\/v1\/projects\/([^/]+)\/(aggregated\/resourcePolicies|global\/snapshots)$/.exec(url.pathname);
    if (method !== "GET" || !match) return null;
    const project = decodeURIComponent(match[1] as string);
    const rest = match[2] as string;
    return { operation: `${project}/${rest}`, api: "compute", answer: () => this.answer(project, rest, url) };
  }

  private answer(project: string, rest: string, url: URL): ApiAnswer {
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    const listing = rest === "global/snapshots" ? "snapshots" : "resourcePolicies";
    if (this.denied.has(project)) return { status: 403, body: errors.permissionDenied(project, `compute.${listing}.list`) };
    const token = url.searchParams.get("pageToken");
    const start = token ? decodePageToken(token) : 0;
    if (start === null) return { status: 400, body: errors.badPageToken() };
    const requested = Number(url.searchParams.get("maxResults") ?? maxPageSize);
    const size = requested > 0 ? Math.min(requested, maxPageSize) : maxPageSize;
    const path = `projects/${project}/${rest}`;
    if (listing === "snapshots") {
      const all = this.snapshotsOf(project);
      const items = all.slice(start, start + size).map((s) => s.raw);
      const next = start + size < all.length ? encodePageToken(start + size) : null;
      return { status: 200, body: { kind: "compute#snapshotList", id: path, ...(items.length > 0 ? { items } : {}), ...(next ? { nextPageToken: next } : {}), selfLink: `${API_BASE}/${path}` } };
    }
    const unreachable = this.unreachable();
    const all = this.policies(project).filter((p) => !unreachable.has(p.scopeKey));
    const scoped: Record<string, Record<string, unknown>> = {};
    for (const key of unreachable) {
      if (!key.startsWith("regions/")) continue;
      scoped[key] = { warning: { code: "UNREACHABLE", message: `Scope '${key}' is unreachable; results for it are not included.`, data: [{ key: "scope", value: key }] } };
    }
    for (const p of all.slice(start, start + size)) {
      const entry = scoped[p.scopeKey] ?? { resourcePolicies: [] };
      scoped[p.scopeKey] = entry;
      (entry.resourcePolicies as unknown[]).push(p.raw);
    }
    for (const region of emulatorRegions) {
      const key = `regions/${region.code}`;
      scoped[key] ??= { warning: { code: "NO_RESULTS_ON_PAGE", message: `There are no results for scope '${key}' on this page.`, data: [{ key: "scope", value: key }] } };
    }
    const next = start + size < all.length ? encodePageToken(start + size) : null;
    return { status: 200, body: { kind: "compute#resourcePolicyAggregatedList", id: path, items: scoped, ...(next ? { nextPageToken: next } : {}), selfLink: `${API_BASE}/${path}` } };
  }
}
