import { hashString } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { GeneratedItem } from "./items.ts";
import type { ApiAnswer, RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, errors } from "./wire.ts";

/**
 * Cloud SQL Admin `backupRuns.list` (`GET /v1/projects/{project}/instances/{instance}/backupRuns`,
 * `maxResults` and `pageToken`, answer `{kind: "sql#backupRunsList", items, nextPageToken}`),
 * newest first, as the Cloud SQL Admin API reference documents it. Each instance whose
 * `settings.backupConfiguration.enabled` is true has one AUTOMATED run a day at its `startTime`
 * (03:00 UTC) for the last four days before the emulator's backup clock. In one instance of five
 * the newest run FAILED (with an `error`); a run whose end lies after the clock is RUNNING.
 */

export interface GcpExpectedBackupRun {
  project: string;
  instance: string;
  /** The instance's resource id as the inventory reports it. */
  resourceId: string;
  id: string;
  status: "SUCCESSFUL" | "FAILED" | "RUNNING";
  startTime: Date;
  endTime: Date | null;
}

const runsKept = 4;
const maxPageSize = 500;

function runsOf(item: GeneratedItem, project: string, now: Date): GcpExpectedBackupRun[] {
  const settings = item.raw.settings as { backupConfiguration?: { enabled?: boolean; startTime?: string } } | undefined;
  const backup = settings?.backupConfiguration;
  if (!backup?.enabled) return [];
  const [hh, mm] = (backup.startTime ?? "00:00").split(":").map(Number) as [number, number];
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hh, mm));
  if (first > now) first.setUTCDate(first.getUTCDate() - 1);
  const name = item.raw.name as string;
  const h = hashString(`${item.id}:backup`) >>> 0;
  return Array.from({ length: runsKept }, (_, k) => {
    const start = new Date(first.getTime() - k * 86_400_000);
    const hk = hashString(`${item.id}:${k}`) >>> 0;
    const end = new Date(start.getTime() + (4 + (hk % 20)) * 60_000);
    const status = end > now ? "RUNNING" : k === 0 && h % 5 === 2 ? "FAILED" : "SUCCESSFUL";
    return { project, instance: name, resourceId: item.resourceId, id: String(1_700_000_000_000 + (hk % 1_000_000_000)), status, startTime: start, endTime: status === "RUNNING" ? null : end };
  });
}

export class BackupRunsApi {
  constructor(
    private readonly estate: GcpEstate,
    private readonly now: Date,
  ) {}

  private instances(project: string): GeneratedItem[] {
    return this.estate.page(project, "sqlInstance", 0, Number.POSITIVE_INFINITY).items;
  }

  expected(): GcpExpectedBackupRun[] {
    return this.estate.projects.flatMap((project) => this.instances(project).flatMap((item) => runsOf(item, project, this.now)));
  }

  route(method: string, url: URL): RoutedRequest | null {
    const match = /^\/v1\/projects\/([^/]+)\/instances\/([^/]+)\/backupRuns$/.exec(url.pathname);
    if (method !== "GET" || !match) return null;
    const project = decodeURIComponent(match[1] as string);
    const instance = decodeURIComponent(match[2] as string);
    return { operation: `${project}/instances/${instance}/backupRuns`, api: "sqladmin", answer: () => this.answer(project, instance, url) };
  }

  private answer(project: string, instance: string, url: URL): ApiAnswer {
    if (!this.estate.hasProject(project)) return { status: 404, body: errors.projectNotFound(project) };
    const item = this.instances(project).find((i) => i.raw.name === instance);
    if (!item) return { status: 404, body: errors.notFound(`projects/${project}/instances/${instance}`) };
    const token = url.searchParams.get("pageToken");
    const start = token ? decodePageToken(token) : 0;
    if (start === null) return { status: 400, body: errors.badPageToken() };
    const requested = Number(url.searchParams.get("maxResults") ?? maxPageSize);
    const size = requested > 0 ? Math.min(requested, maxPageSize) : maxPageSize;
    const all = runsOf(item, project, this.now);
    const page = all.slice(start, start + size);
    const region = item.region;
    const items = page.map((r) => ({
      kind: "sql#backupRun",
      status: r.status,
      enqueuedTime: r.startTime.toISOString(),
      id: r.id,
      startTime: r.startTime.toISOString(),
      ...(r.endTime ? { endTime: r.endTime.toISOString() } : {}),
      ...(r.status === "FAILED" ? { error: { kind: "sql#operationError", code: "INTERNAL_ERROR", message: "An internal error occurred while taking the backup; the next scheduled backup will retry." } } : {}),
      type: "AUTOMATED",
      windowStartTime: r.startTime.toISOString(),
      instance,
      selfLink: `https://sqladmin.googleapis.com/v1/projects/${project}/instances/${instance}/backupRuns/${r.id}`,
      location: region,
      backupKind: "SNAPSHOT",
    }));
    const next = start + size < all.length ? encodePageToken(start + size) : null;
    return { status: 200, body: { kind: "sql#backupRunsList", ...(items.length > 0 ? { items } : {}), ...(next ? { nextPageToken: next } : {}) } };
  }
}
