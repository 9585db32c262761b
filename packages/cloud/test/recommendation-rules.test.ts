import { describe, expect, it } from "vitest";
import { evaluateRecommendations, nextSmallerSize, regionGeography, sizePosition, sizesToPrice } from "../src/recommendations/index.ts";
import { regionOptimization } from "../src/recommendations/rules/region-optimization.ts";
import { reservedInstances } from "../src/recommendations/rules/reserved-instances.ts";
import { rightsizing } from "../src/recommendations/rules/rightsizing.ts";
import { spotInstance } from "../src/recommendations/rules/spot-instances.ts";
import { storageOptimization } from "../src/recommendations/rules/storage-optimization.ts";
import { unusedResource } from "../src/recommendations/rules/unused-resources.ts";
import { fixtureContext, machine, usage, volume } from "./recommendation-fixtures.ts";

const ctx = fixtureContext();

describe("unused_resources", () => {
  it.each([
    // 100 GiB × 0.10 = 10.00
    ["unattached gp2 volume", volume({ attached: false }), undefined, 10],
    // 0.005 × 730 = 3.65
    ["unassociated public IP", { ...volume(), role: "public_ip" as const, kind: "elastic_ip", associated: false }, undefined, 3.65],
    // 0.0252 × 730 = 18.396 → 18.40
    ["load balancer without targets", { ...volume(), role: "load_balancer" as const, kind: "elb", targetCount: 0 }, undefined, 18.4],
    ["load balancer with targets but no requests", { ...volume(), role: "load_balancer" as const, kind: "elb", targetCount: 3 }, usage({ requestsPerSecondMean: 0 }), 18.4],
    // m5.large 0.096 × 730 = 70.08
    ["idle machine", machine(), usage({ cpuMean: 0.8, cpuMax: 2.5, networkMbpsMean: 0.02 }), 70.08],
  ])("%s saves its whole price", (_name, facts, u, savings) => {
    const f = unusedResource(facts, u, ctx);
    expect(f?.monthlySavings).toBe(savings);
    expect(f?.proposedMonthly).toBe(0);
    expect(f?.currency).toBe("USD");
  });

  it.each([
    ["attached volume", volume(), undefined],
    ["volume whose attachment is unknown", volume({ attached: undefined }), undefined],
    ["associated IP", { ...volume(), role: "public_ip" as const, associated: true }, undefined],
    ["load balancer with targets and no request metric", { ...volume(), role: "load_balancer" as const, targetCount: 2 }, undefined],
    ["load balancer of unknown targets, zero requests over a partly covered window", { ...volume(), role: "load_balancer" as const }, usage({ samples: 100, requestsPerSecondMean: 0 })],
    ["machine without samples", machine(), undefined],
    ["machine idle by CPU, network unknown", machine(), usage({ cpuMax: 1, networkMbpsMean: undefined })],
    ["machine idle over a fifth of the window", machine(), usage({ samples: 1728, cpuMax: 1, networkMbpsMean: 0 })],
    ["machine with one CPU burst", machine(), usage({ cpuMean: 1, cpuMax: 30, networkMbpsMean: 0 })],
    ["database (no activity signal)", { ...machine(), role: "other" as const, kind: "rds_postgres" }, undefined],
    ["unattached volume priced only in another currency", volume({ attached: false, region: "eu-west-1" }), undefined],
  ])("%s is never called unused", (_name, facts, u) => {
    expect(unusedResource(facts, u, ctx)).toBeUndefined();
  });
});

describe("rightsizing", () => {
  it("m5.xlarge at low CPU and memory goes to m5.large: (0.192 − 0.096) × 730 = 70.08", () => {
    const f = rightsizing(machine({ size: "m5.xlarge" }), usage({ cpuMean: 12, cpuMax: 35, memoryMean: 20 }), ctx);
    expect(f).toMatchObject({ currentMonthly: 140.16, proposedMonthly: 70.08, monthlySavings: 70.08, action: "Resize m5.xlarge to m5.large" });
  });

  it("skips a missing size: m5.2xlarge goes to the next one the price list has (m5.xlarge): 280.32 − 140.16", () => {
    const f = rightsizing(machine({ size: "m5.2xlarge" }), usage({ cpuMean: 5, cpuMax: 20, memoryMean: undefined }), ctx);
    expect(f?.monthlySavings).toBe(140.16);
    expect(f?.evidence.memory_mean).toBe("not reported");
  });

  it.each([
    ["high memory", usage({ cpuMean: 10, cpuMax: 30, memoryMean: 70 })],
    ["CPU peaks high", usage({ cpuMean: 10, cpuMax: 90, memoryMean: 10 })],
    ["CPU mean at the threshold", usage({ cpuMean: 20, cpuMax: 30, memoryMean: 10 })],
    ["window not covered", usage({ samples: 4000, cpuMean: 10, cpuMax: 30, memoryMean: 10 })],
    ["no CPU signal", usage({ cpuMean: undefined, cpuMax: undefined, memoryMean: 10 })],
  ])("does not fire with %s", (_name, u) => {
    expect(rightsizing(machine({ size: "m5.xlarge" }), u, ctx)).toBeUndefined();
  });

  it("does not fire on the smallest priced size of a family (m5.large has no smaller sibling priced)", () => {
    expect(rightsizing(machine(), usage({ cpuMean: 5, cpuMax: 10, memoryMean: 5 }), ctx)).toBeUndefined();
  });
});

describe("reserved_instances", () => {
  it("groups steady machines by family and region: 2 × (0.096 − 0.060) × 730 + (0.192 − 0.121) × 730 = 52.56 + 51.83", () => {
    const [f, ...rest] = reservedInstances(
      [
        { facts: machine({ key: "a" }), usage: usage() },
        { facts: machine({ key: "b" }), usage: usage({ samples: 8300 }) }, // 96 % of the window
        { facts: machine({ key: "c", size: "m5.xlarge" }), usage: usage() },
        { facts: machine({ key: "d" }), usage: usage({ samples: 8000 }) }, // 92.6 %: not steady
        { facts: machine({ key: "e", size: "c5.large" }), usage: usage() }, // no commitment price
        { facts: machine({ key: "f" }), usage: undefined },
      ],
      ctx,
    );
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ resourceKeys: ["a", "b", "c"], findingKey: "reserved_instances:aws:us-east-1:m5", currentMonthly: 280.32, proposedMonthly: 175.93, monthlySavings: 104.39 });
    expect(f?.action).toBe("Commit for one year to 3 machine(s) in us-east-1: 2 × m5.large, 1 × m5.xlarge");
  });
});

describe("spot_instances", () => {
  it("a non-production member of an auto scaling group: (0.096 − 0.035) × 730 = 44.53", () => {
    const f = spotInstance(machine({ scalingGroup: "web-asg", tags: { env: "staging" } }), ctx);
    expect(f).toMatchObject({ currentMonthly: 70.08, proposedMonthly: 25.55, monthlySavings: 44.53 });
  });

  it.each([
    ["production", machine({ scalingGroup: "web-asg", tags: { env: "prod" } })],
    ["standalone", machine({ scalingGroup: null })],
    ["group unknown", machine({ scalingGroup: undefined })],
    ["no spot price for the size", machine({ scalingGroup: "g", size: "m5.xlarge" })],
    ["stopped", machine({ scalingGroup: "g", status: "stopped" })],
  ])("does not fire when %s", (_name, facts) => {
    expect(spotInstance(facts, ctx)).toBeUndefined();
  });
});

describe("storage_optimization", () => {
  it("attached 500 GiB gp2 → gp3: 500 × (0.10 − 0.08) = 10.00", () => {
    expect(storageOptimization(volume({ sizeGb: 500 }), ctx)).toMatchObject({ currentMonthly: 50, proposedMonthly: 40, monthlySavings: 10 });
  });

  it("a 40 GiB snapshot 120 days old: 40 × 0.05 = 2.00", () => {
    const f = storageOptimization(volume({ role: "snapshot", size: undefined, sizeGb: 40, ageDays: 120 }), ctx);
    expect(f).toMatchObject({ monthlySavings: 2, evidence: { reason: "past_retention" } });
  });

  // Snapshots judged against the retention their configuration declares (us-east-1 snapshot
  // storage: 0.05 per GB-month in the fixture prices).
  it("a 100 GiB snapshot 40 days old whose plan keeps 35 days: past it by 5 days; 100 × 0.05 = 5.00, targeting its volume", () => {
    const f = storageOptimization(volume({ key: "snap-row", role: "snapshot", size: undefined, sizeGb: 100, ageDays: 40, retentionDays: 35, snapshotOf: "vol-row" }), ctx);
    expect(f).toMatchObject({
      resourceKeys: ["vol-row"],
      findingKey: "storage_optimization:snap-row:expired-snapshot",
      currentMonthly: 5,
      proposedMonthly: 0,
      monthlySavings: 5,
      evidence: { retention_days: 35, retention_source: "configuration", age_days: 40 },
    });
  });

  it("a 12.5 GiB snapshot 91 days old with no declared retention: past the 90-day default; 12.5 × 0.05 = 0.625 → 0.63", () => {
    const f = storageOptimization(volume({ role: "snapshot", size: undefined, sizeGb: 12.5, ageDays: 91 }), ctx);
    expect(f).toMatchObject({ monthlySavings: 0.63, evidence: { retention_days: 90, retention_source: "default" } });
  });

  it("a declared retention longer than the default is respected: 120 days old, kept 365 → no advice", () => {
    expect(storageOptimization(volume({ role: "snapshot", size: undefined, sizeGb: 40, ageDays: 120, retentionDays: 365 }), ctx)).toBeUndefined();
  });

  it("exactly at its retention (35 days, kept 35) is not past it", () => {
    expect(storageOptimization(volume({ role: "snapshot", size: undefined, sizeGb: 40, ageDays: 35, retentionDays: 35 }), ctx)).toBeUndefined();
  });

  it.each([
    ["gp3 already", volume({ size: "gp3" })],
    ["unattached (that is unused_resources)", volume({ attached: false })],
    ["size unknown", volume({ sizeGb: undefined })],
    ["snapshot inside retention", volume({ role: "snapshot", sizeGb: 40, ageDays: 30 })],
  ])("does not fire: %s", (_name, facts) => {
    expect(storageOptimization(facts, ctx)).toBeUndefined();
  });
});

describe("region_optimization", () => {
  it("us-west-1 m5.large moves to us-east-1, same country, not to cheaper Ireland: (0.112 − 0.096) × 730 = 11.68", () => {
    const f = regionOptimization(machine({ region: "us-west-1" }), ctx);
    expect(f).toMatchObject({ currentMonthly: 81.76, proposedMonthly: 70.08, monthlySavings: 11.68, evidence: { to: "us-east-1", geography: "US" } });
  });

  it.each([
    ["saving under 10 % (us-west-2: 7.7 %)", machine({ region: "us-west-2" })],
    ["pinned by a data-residency tag", machine({ region: "us-west-1", tags: { "Data-Residency": "us-west" } })],
    ["already the cheapest in its geography", machine()],
    ["geography unknown", machine({ region: "ap-south-9" })],
  ])("does not fire: %s", (_name, facts) => {
    expect(regionOptimization(facts, ctx)).toBeUndefined();
  });
});

describe("evaluateRecommendations", () => {
  it("gives each resource one advice, in priority order, and commits what is left", () => {
    const findings = evaluateRecommendations(
      [
        { facts: machine({ key: "idle" }), usage: usage({ cpuMax: 1, networkMbpsMean: 0 }) },
        { facts: machine({ key: "big", size: "m5.xlarge" }), usage: usage({ cpuMean: 10, cpuMax: 20, memoryMean: 10 }) },
        { facts: machine({ key: "west", region: "us-west-1" }), usage: usage() },
        { facts: machine({ key: "batch", scalingGroup: "batch-asg", tags: { env: "dev" } }), usage: usage() },
        { facts: machine({ key: "steady" }), usage: usage() },
        { facts: volume({ key: "old-disk" }), usage: undefined },
      ],
      ctx,
    );
    const byType = Object.fromEntries(findings.map((f) => [f.type, f]));
    expect(findings.map((f) => f.type).sort()).toEqual(["region_optimization", "reserved_instances", "rightsizing", "spot_instances", "storage_optimization", "unused_resources"]);
    expect(byType.reserved_instances?.resourceKeys).toEqual(["steady"]);
    // 70.08 + 70.08 + 11.68 + 44.53 + 2.00 (100 GiB × 0.02) + 26.28 (one m5.large: 0.036 × 730)
    expect(findings.reduce((s, f) => s + f.monthlySavings, 0)).toBeCloseTo(224.65, 2);
  });
});

describe("sizes", () => {
  it.each([
    ["aws", "m5.xlarge", { family: "m5", rank: 5 }],
    ["aws", "m5.2xlarge", { family: "m5", rank: 7 }],
    ["aws", "t3.nano", { family: "t3", rank: 0 }],
    ["aws", "mac1.metal", undefined],
    ["azure", "Standard_D4s_v3", { family: "Standard_D#s_v3", rank: 4 }],
    ["gcp", "n2-standard-8", { family: "n2-standard", rank: 8 }],
    ["gcp", "e2-micro", undefined],
  ] as const)("%s %s", (cloud, size, expected) => {
    expect(sizePosition(cloud, size)).toEqual(expected);
  });

  it("picks the largest smaller size of the same family", () => {
    expect(nextSmallerSize("azure", "Standard_D8s_v3", ["Standard_D2s_v3", "Standard_D4s_v3", "Standard_D4s_v5", "Standard_E4s_v3"])).toBe("Standard_D4s_v3");
    expect(nextSmallerSize("gcp", "n2-standard-8", ["n2-standard-2", "n2-highmem-4"])).toBe("n2-standard-2");
  });
});

describe("sizesToPrice", () => {
  it.each([
    ["aws", "m5.2xlarge", ["m5.2xlarge", "m5.medium", "m5.large", "m5.xlarge"]],
    ["aws", "t3.micro", ["t3.micro", "t3.nano"]],
    ["azure", "Standard_D8s_v3", ["Standard_D8s_v3", "Standard_D4s_v3", "Standard_D2s_v3", "Standard_D1s_v3"]],
    ["gcp", "n2-standard-8", ["n2-standard-8", "n2-standard-4", "n2-standard-2", "n2-standard-1"]],
    ["gcp", "e2-micro", ["e2-micro"]],
  ] as const)("%s %s", (cloud, size, expected) => {
    expect(sizesToPrice(cloud, size)).toEqual(expected);
  });
});

describe("regionGeography", () => {
  it("is the region's country from the catalogs", () => {
    expect(regionGeography("aws", "us-west-1")).toBe("United States");
    expect(regionGeography("azure", "westus")).toBe("United States");
    expect(regionGeography("aws", "nowhere-1")).toBeUndefined();
  });
});
