import { hashString } from "../rng.ts";
import type { AwsEstate } from "./estate.ts";
import type { EmulatedResource } from "./model.ts";
import { decodeToken, encodeToken, pageSizeParam } from "./paging.ts";
import { ec2Response, tagSet } from "./render-ec2.ts";
import { el, wrap } from "./xml.ts";

/**
 * EC2 DescribeSnapshots (Query protocol), as the EC2 API reference documents it: the request's
 * `Owner.N` (`self`) scopes the answer to the caller's snapshots, `MaxResults` (5–1000) and
 * `NextToken` page it; the answer is `<snapshotSet>` of `<item>` with snapshotId, volumeId,
 * status (pending | completed | error | recoverable | recovering), startTime, completionTime,
 * progress, ownerId, volumeSize, fullSnapshotSizeInBytes, description, encrypted, storageTier
 * and tagSet, then `<nextToken>` while more remain. Without an owner the emulator refuses (a
 * real account would also list public snapshots it may restore, which the estate does not have).
 *
 * The estate, per account and region, deterministic in the seed and the emulator's clock: two
 * volumes in three have on-demand snapshots, weekly ones 3, 10 and 17 days old (in one of four
 * also an old one, 100–159 days), the newest of one in eleven still pending (started 10 minutes
 * ago) and of one in five failed. Besides, the region's first snapshotted volume has one
 * snapshot of each kind a reader must skip: an AWS Backup recovery point, a Data Lifecycle
 * Manager snapshot, one in the Recycle Bin and a copy (volume `vol-ffffffff`).
 */

export interface AwsExpectedSnapshot {
  account: string;
  region: string;
  snapshotId: string;
  volumeId: string;
  state: "pending" | "completed" | "error" | "recoverable";
  startTime: Date;
  completionTime: Date | null;
  volumeSizeGib: number;
  /** Why a correct reader leaves it out; undefined when it is read. */
  skip?: "aws_backup" | "dlm" | "recycle_bin" | "copy";
  tags: Record<string, string>;
}

export interface SnapshotBook {
  snapshots(account: string, region: string): AwsExpectedSnapshot[];
  /** Deletes a snapshot (it is no longer listed); false when none has that id. */
  delete(snapshotId: string): boolean;
}

const day = 86_400_000;

function snapshotId(text: string): string {
  const hex = [0, 1, 2].map((i) => (hashString(`${text}#${i}`) >>> 0).toString(16).padStart(8, "0")).join("");
  return `snap-0${hex.slice(0, 16)}`;
}

export function createSnapshotBook(options: { seedHash: number; estate: AwsEstate; now: Date }): SnapshotBook {
  const { seedHash, estate, now } = options;
  const volumes = (account: string, region: string): EmulatedResource[] => {
    const scope = estate.scope(account, region, "ebs_volume");
    return scope ? estate.page(scope, 0, Number.POSITIVE_INFINITY).items : [];
  };
  const deleted = new Set<string>();
  function snapshots(account: string, region: string): AwsExpectedSnapshot[] {
    return generated(account, region).filter((s) => !deleted.has(s.snapshotId));
  }
  function generated(account: string, region: string): AwsExpectedSnapshot[] {
    const out: AwsExpectedSnapshot[] = [];
    let extrasDone = false;
    for (const v of volumes(account, region)) {
      const h = hashString(`${seedHash}:${v.id}:snapshots`) >>> 0;
      if (h % 3 === 0) continue;
      const size = Number(v.size) || 8;
      const ages = [3, 10, 17, ...(h % 4 === 1 ? [100 + (h % 60)] : [])];
      ages.forEach((age, k) => {
        const pending = k === 0 && h % 11 === 5;
        const failed = !pending && k === 0 && h % 5 === 3;
        const start = pending ? new Date(now.getTime() - 10 * 60_000) : new Date(now.getTime() - age * day - (h % 600) * 1000);
        out.push({
          account,
          region,
          snapshotId: snapshotId(`${seedHash}:${v.id}:${k}`),
          volumeId: v.id,
          state: pending ? "pending" : failed ? "error" : "completed",
          startTime: start,
          completionTime: pending || failed ? null : new Date(start.getTime() + (3 + (h % 40)) * 60_000),
          volumeSizeGib: size,
          tags: k === 0 ? { Name: `${v.tags.Name ?? v.id}-weekly` } : {},
        });
      });
      if (!extrasDone) {
        extrasDone = true;
        const base = { account, region, volumeSizeGib: size, completionTime: new Date(now.getTime() - 2 * day + 600_000), startTime: new Date(now.getTime() - 2 * day) };
        out.push(
          { ...base, snapshotId: snapshotId(`${seedHash}:${v.id}:backup`), volumeId: v.id, state: "completed", skip: "aws_backup", tags: { "aws:backup:source-resource": `${v.id}@aws-backup` } },
          { ...base, snapshotId: snapshotId(`${seedHash}:${v.id}:dlm`), volumeId: v.id, state: "completed", skip: "dlm", tags: { "aws:dlm:lifecycle-policy-id": "policy-0123456789abcdef0" } },
          { ...base, snapshotId: snapshotId(`${seedHash}:${v.id}:bin`), volumeId: v.id, state: "recoverable", skip: "recycle_bin", tags: {} },
          { ...base, snapshotId: snapshotId(`${seedHash}:${v.id}:copy`), volumeId: "vol-ffffffff", state: "completed", skip: "copy", tags: {} },
        );
      }
    }
    return out;
  }
  return {
    snapshots,
    delete(snapshotId) {
      if (deleted.has(snapshotId)) return false;
      for (const scope of estate.scopes) {
        if (scope.kind === "ebs_volume" && generated(scope.account, scope.region).some((s) => s.snapshotId === snapshotId)) {
          deleted.add(snapshotId);
          return true;
        }
      }
      return false;
    },
  };
}

function renderSnapshot(s: AwsExpectedSnapshot): string {
  const done = s.state === "completed";
  return wrap(
    "item",
    el("snapshotId", s.snapshotId) +
      el("volumeId", s.volumeId) +
      el("status", s.state) +
      (s.state === "error" ? el("statusMessage", "The snapshot could not be created: internal error") : "") +
      el("startTime", s.startTime.toISOString()) +
      (s.completionTime ? el("completionTime", s.completionTime.toISOString()) : "") +
      el("progress", done ? "100%" : s.state === "pending" ? "42%" : "0%") +
      el("ownerId", s.account) +
      el("volumeSize", s.volumeSizeGib) +
      (done ? el("fullSnapshotSizeInBytes", Math.round(s.volumeSizeGib * 0.6 * 1024 ** 3)) : "") +
      el("description", s.skip === "aws_backup" ? "This snapshot is created by the AWS Backup service." : `Snapshot of ${s.volumeId}`) +
      el("encrypted", true) +
      el("storageTier", "standard") +
      tagSet(s.tags),
  );
}

export type DescribeSnapshotsAnswer = { ok: true; body: string } | { ok: false; message: string };

export function describeSnapshots(book: SnapshotBook, call: { account: string; region: string; form: URLSearchParams; requestId: string }): DescribeSnapshotsAnswer {
  const owners = [...call.form.entries()].filter(([k]) => /^Owner\.\d+$/.test(k)).map(([, v]) => v);
  if (!owners.includes("self") && !owners.includes(call.account)) {
    return { ok: false, message: "the emulator answers DescribeSnapshots for Owner.N=self (or the caller's account) only" };
  }
  const size = pageSizeParam(call.form.get("MaxResults"), 5, 1000, 1000);
  if (size === undefined) return { ok: false, message: "Value for parameter MaxResults is invalid: it must be between 5 and 1000" };
  const start = decodeToken(call.form.get("NextToken"));
  if (start === undefined) return { ok: false, message: "The NextToken is invalid" };
  const all = book.snapshots(call.account, call.region);
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? encodeToken(start + size) : undefined;
  const body = wrap("snapshotSet", page.map(renderSnapshot).join("")) + (next ? el("nextToken", next) : "");
  return { ok: true, body: ec2Response("DescribeSnapshots", call.requestId, body) };
}
