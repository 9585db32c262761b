import { hashString } from "../rng.ts";

/** The snapshot schedules every region of an emulated project has (see snapshots-api.ts). */
export const snapshotPolicyNames = ["snap-daily", "snap-weekly", "snap-hourly"] as const;
export type SnapshotPolicyName = (typeof snapshotPolicyNames)[number];

/** The schedules attached to a disk: none, daily, weekly, or daily and six-hourly, from its id. */
export function diskSchedules(diskId: string): SnapshotPolicyName[] {
  const h = hashString(`${diskId}:snapshot-schedules`) >>> 0;
  return [[], ["snap-daily"], ["snap-weekly"], ["snap-daily", "snap-hourly"]][h % 4] as SnapshotPolicyName[];
}
