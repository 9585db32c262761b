/**
 * Sizes cloudsync can compare and price: vCPUs, memory (GiB) and the on-demand list price per
 * hour in USD (Linux, us-east-1 / eastus / us-central1, as the providers' public price pages
 * listed them in 2026). It covers the sizes the emulators use and their common neighbours; a
 * size missing here is still recorded when it changes, only without capacity or price
 * (docs/coverage.md, "Scaling history"). List prices, not what an account pays: the scaling
 * row's cost impact is the change of the list price, or of the resource's own daily cost.
 */
export interface SizeSpec {
  vcpus: number;
  memoryGib: number;
  hourlyUsd: number;
}

const spec = (vcpus: number, memoryGib: number, hourlyUsd: number): SizeSpec => ({ vcpus, memoryGib, hourlyUsd });

/** EC2 instance types. */
export const ec2InstanceTypes: Readonly<Record<string, SizeSpec>> = {
  "t3.nano": spec(2, 0.5, 0.0052),
  "t3.micro": spec(2, 1, 0.0104),
  "t3.small": spec(2, 2, 0.0208),
  "t3.medium": spec(2, 4, 0.0416),
  "t3.large": spec(2, 8, 0.0832),
  "t3.xlarge": spec(4, 16, 0.1664),
  "t4g.micro": spec(2, 1, 0.0084),
  "t4g.small": spec(2, 2, 0.0168),
  "m5.large": spec(2, 8, 0.096),
  "m5.xlarge": spec(4, 16, 0.192),
  "m5.2xlarge": spec(8, 32, 0.384),
  "m5.4xlarge": spec(16, 64, 0.768),
  "m5.8xlarge": spec(32, 128, 1.536),
  "m5.16xlarge": spec(64, 256, 3.072),
  "c5.large": spec(2, 4, 0.085),
  "c5.xlarge": spec(4, 8, 0.17),
  "c5.2xlarge": spec(8, 16, 0.34),
  "c5.4xlarge": spec(16, 32, 0.68),
  "c6i.large": spec(2, 4, 0.085),
  "c6i.xlarge": spec(4, 8, 0.17),
  "r6g.xlarge": spec(4, 32, 0.2016),
  "r6g.2xlarge": spec(8, 64, 0.4032),
  "m7i.48xlarge": spec(192, 768, 9.6768),
  "mac1.metal": spec(12, 32, 1.083),
  "u-6tb1.112xlarge": spec(448, 6144, 54.6),
};

/** RDS DB instance classes (PostgreSQL, single-AZ). */
export const rdsInstanceClasses: Readonly<Record<string, SizeSpec>> = {
  "db.t3.micro": spec(2, 1, 0.018),
  "db.t3.small": spec(2, 2, 0.036),
  "db.t3.medium": spec(2, 4, 0.072),
  "db.t4g.small": spec(2, 2, 0.032),
  "db.m5.large": spec(2, 8, 0.178),
  "db.m5.xlarge": spec(4, 16, 0.356),
  "db.r6g.large": spec(2, 16, 0.225),
  "db.r6g.xlarge": spec(4, 32, 0.449),
  "db.r5.4xlarge": spec(16, 128, 2.0),
};

/** Azure VM sizes, by lower-case name (ARM is case-insensitive about them). */
export const azureVmSizes: Readonly<Record<string, SizeSpec>> = {
  standard_b1ls: spec(1, 0.5, 0.0052),
  standard_b1s: spec(1, 1, 0.0104),
  standard_b1ms: spec(1, 2, 0.0207),
  standard_b2s: spec(2, 4, 0.0416),
  standard_b2ms: spec(2, 8, 0.0832),
  standard_d2s_v5: spec(2, 8, 0.096),
  standard_d2as_v5: spec(2, 8, 0.086),
  standard_f2s_v2: spec(2, 4, 0.0846),
  standard_d4s_v5: spec(4, 16, 0.192),
  // A constrained-core size: 2 active vCPUs of an E4s_v5, at the E4s_v5's price.
  "standard_e4-2s_v5": spec(2, 32, 0.252),
  standard_d8s_v5: spec(8, 32, 0.384),
  standard_e16s_v5: spec(16, 128, 1.008),
  standard_nc6s_v3: spec(6, 112, 3.06),
};

/** Compute Engine machine types (shared-core types count the vCPUs they are billed as). */
export const gcpMachineTypes: Readonly<Record<string, SizeSpec>> = {
  "f1-micro": spec(1, 0.6, 0.0076),
  "g1-small": spec(1, 1.7, 0.0257),
  "e2-micro": spec(2, 1, 0.0084),
  "e2-small": spec(2, 2, 0.0168),
  "e2-medium": spec(2, 4, 0.0335),
  "e2-standard-2": spec(2, 8, 0.067),
  "e2-standard-4": spec(4, 16, 0.134),
  "n1-standard-1": spec(1, 3.75, 0.0475),
  "n2-standard-2": spec(2, 8, 0.0971),
  "n2-standard-4": spec(4, 16, 0.1942),
  "n2-standard-8": spec(8, 32, 0.3885),
  "n2-highmem-16": spec(16, 128, 1.048),
  "c2-standard-30": spec(30, 120, 1.2528),
};

/**
 * Block storage: the list price per GiB-month, and a performance rank that orders a change of
 * type at the same size (a move to a faster type is a scale-up).
 */
export interface VolumeTypeSpec {
  gibMonthUsd: number;
  rank: number;
}

export const volumeTypes: Readonly<Record<string, VolumeTypeSpec>> = {
  // EBS
  sc1: { gibMonthUsd: 0.015, rank: 0 },
  st1: { gibMonthUsd: 0.045, rank: 1 },
  standard: { gibMonthUsd: 0.05, rank: 2 },
  gp2: { gibMonthUsd: 0.1, rank: 3 },
  gp3: { gibMonthUsd: 0.08, rank: 4 },
  io1: { gibMonthUsd: 0.125, rank: 5 },
  io2: { gibMonthUsd: 0.125, rank: 6 },
  // Persistent Disk
  "pd-standard": { gibMonthUsd: 0.04, rank: 0 },
  "pd-balanced": { gibMonthUsd: 0.1, rank: 1 },
  "hyperdisk-balanced": { gibMonthUsd: 0.08, rank: 2 },
  "pd-ssd": { gibMonthUsd: 0.17, rank: 3 },
};

/** Hours in the month the providers price by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
