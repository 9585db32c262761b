import { describe, expect, it } from "vitest";
import { capacityRule, costAnomalyRule, leastSquares, median, performanceRule, resourceHealthRule, trendsFromSamples, weddingDayRule } from "./index.ts";
import type { DailyCostFacts, ResourceFacts, SampleFacts } from "./types.ts";

const hour = 3_600_000;
const t0 = Date.parse("2026-12-01T00:00:00Z");

function resource(id: string, overrides: Partial<ResourceFacts> = {}): ResourceFacts {
  return { id, providerId: "p", name: id, status: "running", healthStatus: "healthy", isWeddingCritical: false, ...overrides };
}

/** Samples of one metric, one an hour from t0, oldest first. */
function series(resourceId: string, metric: string, values: number[]): SampleFacts[] {
  return values.map((v, i) => ({ resourceId, at: t0 + i * hour, metrics: { [metric]: v } }));
}

describe("resource_health", () => {
  const cases: [string, Partial<ResourceFacts>, boolean][] = [
    ["running and critical raises", { healthStatus: "critical" }, true],
    ["running and warning does not", { healthStatus: "warning" }, false],
    ["running and unknown (no signal) does not", { healthStatus: "unknown" }, false],
    ["stopped and critical does not: only running resources are judged by health", { status: "stopped", healthStatus: "critical" }, false],
  ];
  it.each(cases)("%s", (_, facts, raised) => {
    const result = resourceHealthRule([resource("r", facts)]);
    expect(result.candidates.map((c) => [c.resourceId, c.severity])).toEqual(raised ? [["r", "critical"]] : []);
    expect([...result.judged]).toEqual(["r"]);
  });
});

describe("wedding_day_critical", () => {
  const cases: [string, Partial<ResourceFacts>, string | null][] = [
    ["critical wedding resource: emergency", { isWeddingCritical: true, healthStatus: "critical" }, "emergency"],
    ["warning wedding resource: critical", { isWeddingCritical: true, healthStatus: "warning" }, "critical"],
    ["healthy wedding resource: none", { isWeddingCritical: true, healthStatus: "healthy" }, null],
    ["critical resource that is not wedding-critical: none", { healthStatus: "critical" }, null],
    ["stopped wedding resource: none", { isWeddingCritical: true, healthStatus: "critical", status: "stopped" }, null],
  ];
  it.each(cases)("%s", (_, facts, severity) => {
    // Backed up (one configuration): only the health decides.
    const result = weddingDayRule([resource("w", facts)], [{ resourceId: "w", resourceType: "database", configurations: 1 }]);
    expect(result.candidates.map((c) => [c.severity, c.weddingDayEscalation])).toEqual(severity ? [[severity, true]] : []);
    expect(result.judged.has("w")).toBe(true);
  });
});

describe("wedding_day_critical: a running wedding-critical resource holding data without a backup configuration", () => {
  const wedding = { isWeddingCritical: true };
  // [case, resource facts, its type, non-disabled configurations (null: no coverage facts), severity, name]
  const cases: [string, Partial<ResourceFacts>, string, number | null, string | null, string | null][] = [
    ["healthy database, 0 configurations: warning", wedding, "database", 0, "warning", "Wedding-critical w has no backup"],
    ["healthy instance, 0 configurations: warning", wedding, "compute", 0, "warning", "Wedding-critical w has no backup"],
    ["healthy bucket, 0 configurations: warning", wedding, "storage", 0, "warning", "Wedding-critical w has no backup"],
    ["healthy database, 1 configuration: none", wedding, "database", 1, null, null],
    ["a security group holds nothing to restore: none", wedding, "security", 0, null, null],
    ["not wedding-critical: none", {}, "database", 0, null, null],
    ["stopped: none", { ...wedding, status: "stopped" }, "database", 0, null, null],
    ["no coverage facts: not judged unprotected", wedding, "database", null, null, null],
    // Both conditions: one alert, the health's severity (warning → critical), both said.
    ["warning health and no backup: one alert, critical", { ...wedding, healthStatus: "warning" }, "database", 0, "critical", "Wedding-critical w is warning and has no backup"],
    ["critical health and no backup: emergency", { ...wedding, healthStatus: "critical" }, "database", 0, "emergency", "Wedding-critical w is critical and has no backup"],
  ];
  it.each(cases)("%s", (_, facts, resourceType, configurations, severity, name) => {
    const backups = configurations === null ? [] : [{ resourceId: "w", resourceType, configurations }];
    const result = weddingDayRule([resource("w", facts)], backups);
    expect(result.candidates.map((c) => [c.resourceId, c.severity, c.name, c.weddingDayEscalation])).toEqual(severity ? [["w", severity, name, true]] : []);
    // Judged either way: a resource that got a backup, was untagged or stopped clears its alert.
    expect(result.judged.has("w")).toBe(true);
  });

  it("records what it found and what to do next", () => {
    const [candidate] = weddingDayRule([resource("w", { isWeddingCritical: true })], [{ resourceId: "w", resourceType: "database", configurations: 0 }]).candidates;
    expect(candidate!.currentValues).toMatchObject({ resource_status: "running", health_status: "healthy", resource_type: "database", backup_configurations_not_disabled: 0, next_step: expect.stringMatching(/^add a backup configuration/) });
  });
});

describe("performance_degradation: the latest 3 samples all at or above the warning line", () => {
  const thresholds = { warning: { cpu_utilization: 80, memory_utilization: 85 }, critical: { cpu_utilization: 95, memory_utilization: 95 } };
  const resources = ["r1", "r2", "r3", "r4", "r6"].map((id) => resource(id)).concat(resource("r5", { status: "stopped" }));
  const samples = [
    ...series("r1", "cpu_utilization", [70, 85, 90, 99]), // latest three 85, 90, 99: warning (85 < 95)
    ...series("r2", "cpu_utilization", [96, 97, 98]), // all at or above 95: critical
    ...series("r3", "cpu_utilization", [85, 79, 90]), // 79 breaks the run: none
    ...series("r4", "cpu_utilization", [99, 99]), // two samples: not judged
    ...series("r5", "cpu_utilization", [99, 99, 99]), // stopped: judged, none
    ...[0, 1, 2].map((i) => ({ resourceId: "r6", at: t0 + i * hour, metrics: { cpu_utilization: 85, memory_utilization: 90 } })),
  ];
  const result = performanceRule(resources, samples, { thresholds, consecutive: 3 });
  it("raises r1 (warning), r2 (critical) and r6 (cpu and memory), nothing else", () => {
    expect(result.candidates.map((c) => [c.resourceId, c.severity])).toEqual([
      ["r1", "warning"],
      ["r2", "critical"],
      ["r6", "warning"],
    ]);
    expect(result.candidates[0]!.currentValues.breaches).toEqual([{ metric: "cpu_utilization", level: "warning", values: [85, 90, 99], warning: 80, critical: 95 }]);
    expect(result.candidates[2]!.name).toBe("r6: cpu_utilization, memory_utilization above threshold for 3 samples");
  });
  it("judges every running resource with 3 samples and every stopped one, not r4", () => {
    expect([...result.judged].sort()).toEqual(["r1", "r2", "r3", "r5", "r6"]);
  });
});

describe("capacity_planning: the least-squares trend reaches 90 % within 7 days", () => {
  const now = t0 + 5 * hour;
  const resources = ["d", "m", "flat", "slow", "few"].map((id) => resource(id)).concat(resource("gone", { status: "terminated" }));
  const samples = [
    ...series("d", "disk_utilization", [50, 51, 52, 53, 54, 55]), // 1 %/h, 55 now: 35 h to 90 → warning
    ...series("m", "memory_utilization", [80, 82, 84, 86, 88, 90]), // at 90 now → critical, 0 h
    ...series("flat", "disk_utilization", [70, 70, 70, 70, 70, 70]), // never
    ...series("slow", "disk_utilization", [60, 60.1, 60.2, 60.3, 60.4, 60.5]), // 0.1 %/h: 295 h > 168 h
    ...series("few", "disk_utilization", [80, 85, 90, 95, 99]), // five samples: not judged
  ];
  const result = capacityRule(resources, trendsFromSamples(samples, ["disk_utilization", "memory_utilization"], now), { now });
  it("raises d in 35 h (warning) and m now (critical)", () => {
    expect(result.candidates.map((c) => [c.resourceId, c.severity, c.currentValues.hours_to_limit, c.currentValues.slope_per_day])).toEqual([
      ["d", "warning", 35, 24],
      ["m", "critical", 0, 48],
    ]);
    expect(result.candidates[0]!.currentValues.reaches_limit_at).toBe(new Date(now + 35 * hour).toISOString());
  });
  it("judges those with 6 samples over an hour or more, and the terminated one", () => {
    expect([...result.judged].sort()).toEqual(["d", "flat", "gone", "m", "slow"]);
  });
  it("fits y = 2 + 3x exactly", () => {
    const fit = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 2 + 3 * x })));
    expect([fit.slope, fit.intercept]).toEqual([3, 2]);
  });
});

describe("cost_threshold: a day far above its trailing 14-day median", () => {
  const days = (resourceId: string, amounts: number[], latestDay = "2026-12-20"): DailyCostFacts[] =>
    amounts.map((amount, i) => {
      const d = new Date(`${latestDay}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - (amounts.length - 1 - i));
      return { resourceId, day: d.toISOString().slice(0, 10), amount, currency: "USD" };
    });
  const resources = ["a", "b", "c", "d", "e"].map((id) => resource(id));
  const costs = [
    ...days("a", [10, 10, 10, 10, 10, 10, 10, 40]), // median 10; 40 > 30 and +30: warning (40 ≤ 60)
    ...days("b", [2, 2, 2, 2, 2, 2, 2, 6.5]), // 6.5 > 6 but only +4.5 < 5: none
    ...days("c", [10, 12, 8, 11, 9, 10, 30, 70]), // median of 8,9,10,10,11,12,30 = 10; 70 > 60: critical
    ...days("d", [1, 1, 1, 1, 1, 1, 50]), // six days before: not judged
    // Seven days, but 20 to 26 days before the latest: outside the trailing 14, not judged.
    ...days("e", [1, 1, 1, 1, 1, 1, 1], "2026-11-30"),
    { resourceId: "e", day: "2026-12-20", amount: 50, currency: "USD" },
  ];
  const result = costAnomalyRule(resources, costs);
  it("raises a (warning) and c (critical)", () => {
    expect(result.candidates.map((c) => [c.resourceId, c.severity, c.currentValues.trailing_median])).toEqual([
      ["a", "warning", 10],
      ["c", "critical", 10],
    ]);
    expect(result.candidates[0]!.name).toBe("a cost 40.00 USD on 2026-12-20, 4.0× its median");
  });
  it("judges a, b and c only", () => {
    expect([...result.judged].sort()).toEqual(["a", "b", "c"]);
  });
  it("takes the mean of the middle two of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
