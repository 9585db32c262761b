import { describe, expect, it } from "vitest";
import { latestScalingActivity, scalingChangeOf, scalingTriggerOf } from "../src/sizing/scaling.ts";
import { sizingOf } from "../src/sizing/sizing.ts";

// Every expected cost below is worked by hand from docs/coverage.md's rules: the hourly list
// price × 730 (rounded to cents per member) or GiB × price per GiB-month, after minus before.
describe("sizingOf reads a size from the configuration's own fields", () => {
  it.each([
    ["EC2 instance type", "aws", { InstanceType: "m5.large" }, { size: "m5.large", vcpus: 2, memoryGib: 8, monthlyUsd: 70.08 }],
    ["EC2 type the table lacks", "aws", { InstanceType: "x9.huge" }, { size: "x9.huge" }],
    ["EBS volume", "aws", { VolumeId: "vol-1", Size: 100, VolumeType: "gp2" }, { storageGib: 100, volumeType: "gp2", monthlyUsd: 10 }],
    [
      "RDS class and storage",
      "aws",
      { DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, StorageType: "gp2" },
      { size: "db.t3.micro", vcpus: 2, memoryGib: 1, storageGib: 20, volumeType: "gp2", monthlyUsd: 15.14 },
    ],
    [
      "Auto Scaling group: desired capacity × its members' type",
      "aws",
      { DesiredCapacity: 2, Instances: [{ InstanceType: "t3.medium" }, { InstanceType: "t3.medium" }] },
      { size: "t3.medium", vcpus: 2, memoryGib: 4, desiredCapacity: 2, monthlyUsd: 60.74 },
    ],
    ["Azure VM size from its status", "azure", { vmStatus: { vmSize: "Standard_B2s" } }, { size: "Standard_B2s", vcpus: 2, memoryGib: 4, monthlyUsd: 30.37 }],
    [
      "Azure scale set SKU",
      "azure",
      { sku: { name: "Standard_D2s_v5", capacity: 3 } },
      { size: "Standard_D2s_v5", vcpus: 2, memoryGib: 8, desiredCapacity: 3, monthlyUsd: 210.24 },
    ],
    [
      "GCE machine type URL",
      "gcp",
      { machineType: "https://www.googleapis.com/compute/v1/projects/p/zones/z/machineTypes/e2-medium" },
      { size: "e2-medium", vcpus: 2, memoryGib: 4, monthlyUsd: 24.46 },
    ],
    ["GCE disk", "gcp", { sizeGb: "50", type: "https://…/diskTypes/pd-ssd" }, { storageGib: 50, volumeType: "pd-ssd", monthlyUsd: 8.5 }],
    ["managed instance group", "gcp", { targetSize: 3 }, { desiredCapacity: 3 }],
    ["a bucket has no size", "aws", { Name: "photos" }, null],
  ] as const)("%s", (_name, cloud, configuration, expected) => {
    expect(sizingOf(cloud, configuration as Record<string, unknown>)).toEqual(expected);
  });
});

describe("scalingChangeOf", () => {
  const aws = (c: Record<string, unknown>) => sizingOf("aws", c);
  it.each([
    [
      "m5.2xlarge → m5.16xlarge, one size bucket: up, by the price table",
      aws({ InstanceType: "m5.2xlarge" }),
      aws({ InstanceType: "m5.16xlarge" }),
      undefined,
      { action: "scale_up", monthlyCostImpact: 1962.24, costBasis: "price_table" },
    ],
    [
      "m5.large → c5.large: same vCPUs, half the memory: down",
      aws({ InstanceType: "m5.large" }),
      aws({ InstanceType: "c5.large" }),
      undefined,
      { action: "scale_down", monthlyCostImpact: -8.03, costBasis: "price_table" },
    ],
    [
      "EBS 100 → 200 GiB gp2: up",
      aws({ VolumeId: "v", Size: 100, VolumeType: "gp2" }),
      aws({ VolumeId: "v", Size: 200, VolumeType: "gp2" }),
      undefined,
      { action: "scale_up", monthlyCostImpact: 10, costBasis: "price_table" },
    ],
    [
      "EBS gp2 → gp3 at 100 GiB: a faster type is up, and cheaper",
      aws({ VolumeId: "v", Size: 100, VolumeType: "gp2" }),
      aws({ VolumeId: "v", Size: 100, VolumeType: "gp3" }),
      undefined,
      { action: "scale_up", monthlyCostImpact: -2, costBasis: "price_table" },
    ],
    [
      "RDS db.t3.micro → db.m5.large: up",
      aws({ DBInstanceClass: "db.t3.micro", AllocatedStorage: 20, StorageType: "gp2" }),
      aws({ DBInstanceClass: "db.m5.large", AllocatedStorage: 20, StorageType: "gp2" }),
      undefined,
      { action: "scale_up", monthlyCostImpact: 116.8, costBasis: "price_table" },
    ],
    [
      "group 2 → 5 t3.medium: out, three members more",
      aws({ DesiredCapacity: 2, Instances: [{ InstanceType: "t3.medium" }] }),
      aws({ DesiredCapacity: 5, Instances: [{ InstanceType: "t3.medium" }] }),
      undefined,
      { action: "scale_out", monthlyCostImpact: 91.11, costBasis: "price_table" },
    ],
    [
      "managed instance group 3 → 1 with no price: in, from the daily cost 12 × 730/24 × (1/3 − 1)",
      sizingOf("gcp", { targetSize: 3 }),
      sizingOf("gcp", { targetSize: 1 }),
      12,
      { action: "scale_in", monthlyCostImpact: -243.33, costBasis: "daily_cost" },
    ],
    [
      "unknown types with vCPUs unknown: recorded, direction unknown, no cost",
      aws({ InstanceType: "x9.huge" }),
      aws({ InstanceType: "x9.giant" }),
      5,
      { action: "scale_up", monthlyCostImpact: null, costBasis: null },
    ],
  ])("%s", (_name, before, after, daily, expected) => {
    expect(scalingChangeOf(before, after, daily)).toMatchObject(expected);
  });

  it("says nothing when the size did not change, or one side has no size", () => {
    expect(scalingChangeOf(aws({ InstanceType: "t3.small" }), aws({ InstanceType: "t3.small" }))).toBeNull();
    expect(scalingChangeOf(null, aws({ InstanceType: "t3.small" }))).toBeNull();
  });

  it("says what decided it", () => {
    expect(scalingChangeOf(aws({ InstanceType: "m5.large" }), aws({ InstanceType: "c5.large" }))?.reason).toBe("m5.large → c5.large: memory 8 → 4");
    expect(scalingChangeOf(sizingOf("gcp", { targetSize: 3 }), sizingOf("gcp", { targetSize: 4 }))?.reason).toBe("desired capacity 3 → 4");
  });
});

describe("scaling triggers from what the cloud says", () => {
  it.each([
    ["At 2026-12-06T08:00:00Z a user request update of AutoScalingGroup constraints to min: 1, max: 10, desired: 5 changing the desired capacity from 2 to 5.", "manual"],
    ["At 2026-12-06T08:00:00Z a monitor alarm web-CPUUtilization-high in state ALARM triggered policy scale-out changing the desired capacity from 2 to 4.", "auto_cpu"],
    ["At 2026-12-06T08:00:00Z a monitor alarm web-MemoryUtilization-high in state ALARM triggered policy scale-out changing the desired capacity from 2 to 4.", "auto_memory"],
    ["At 2026-12-06T08:00:00Z a monitor alarm ALBRequestCountPerTarget-high in state ALARM triggered policy rps changing the desired capacity from 2 to 4.", "auto_requests"],
    ["At 2026-12-06T06:00:00Z a scheduled action update of AutoScalingGroup constraints to min: 2, max: 10, desired: 6 changing the desired capacity from 2 to 6.", "scheduled"],
    [null, "manual"],
  ])("%s → %s", (cause, trigger) => {
    expect(scalingTriggerOf(cause)).toBe(trigger);
  });

  it("takes the newest activity a configuration carries", () => {
    expect(
      latestScalingActivity({
        Activities: [
          { Cause: "old", StartTime: "2026-12-06T06:00:00Z", EndTime: "2026-12-06T06:01:00Z" },
          { Cause: "new", StartTime: "2026-12-06T08:00:00Z", EndTime: "2026-12-06T08:02:30Z" },
        ],
      }),
    ).toEqual({ cause: "new", startedAt: "2026-12-06T08:00:00Z", endedAt: "2026-12-06T08:02:30Z" });
    expect(latestScalingActivity({ InstanceType: "t3.small" })).toBeNull();
  });
});
