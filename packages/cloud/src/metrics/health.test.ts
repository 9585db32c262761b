import { describe, expect, it } from "vitest";
import { type StatusCheckSignal, bytesToMbps, defaultThresholds, evaluateHealth, fractionToPercent, judgeResource, judgedKeys } from "./health.ts";

describe("evaluateHealth", () => {
  it.each([
    [{}, 100, "healthy"],
    [{ cpu_utilization: 0 }, 100, "healthy"],
    [{ cpu_utilization: 40 }, 80, "healthy"], // halfway to the 80 % warning line: 40 points × 0.5
    [{ cpu_utilization: 80 }, 60, "warning"],
    [{ cpu_utilization: 87.5 }, 30, "warning"], // halfway between warning (80) and critical (95)
    [{ cpu_utilization: 95 }, 0, "critical"],
    [{ cpu_utilization: 120 }, 0, "critical"],
    [{ cpu_utilization: 10, response_time_ms: 6000 }, 0, "critical"],
    [{ network_in_mbps: 5000 }, 100, "healthy"], // no threshold: not judged
    [{ memory_utilization: Number.NaN }, 100, "healthy"],
    // EFS burst credits fall to worse; warning line 100 GiB (107,374,182,400 B), critical 1 GiB (1,073,741,824 B).
    [{ burst_credit_bytes: 2.25e12 }, 100, "healthy"], // 2.25e12 ≥ 2 × 107,374,182,400 = 214,748,364,800
    [{ burst_credit_bytes: 161_061_273_600 }, 80, "healthy"], // 150 GiB: 60 + 40 × (150 − 100) / 100 = 80
    [{ burst_credit_bytes: 107_374_182_400 }, 60, "warning"], // at the warning line (at or below breaches)
    [{ burst_credit_bytes: 54_223_962_112 }, 30, "warning"], // 50.5 GiB: 60 × (50.5 − 1) / (100 − 1) = 30
    [{ burst_credit_bytes: 1_073_741_824 }, 0, "critical"], // at the critical line
    [{ burst_credit_bytes: 0 }, 0, "critical"], // spent: the file system runs at its baseline
  ] as const)("%j → %i (%s)", (metrics, score, status) => {
    const result = evaluateHealth(metrics);
    expect(result.healthScore).toBe(score);
    expect(result.status).toBe(status);
  });

  it("names the breached keys", () => {
    const r = evaluateHealth({ cpu_utilization: 90, error_rate: 7 });
    expect(r.warnings).toEqual(["cpu_utilization"]);
    expect(r.criticals).toEqual(["error_rate"]);
  });

  it("takes custom thresholds", () => {
    const r = evaluateHealth({ cpu_utilization: 50 }, { warning: { cpu_utilization: 50 }, critical: { cpu_utilization: 60 } });
    expect(r.status).toBe("warning");
    expect(defaultThresholds.warning.cpu_utilization).toBe(80);
  });
});

/** Samples five minutes apart, oldest first, each carrying the given metrics. */
const series = (...metrics: Record<string, number>[]) =>
  metrics.map((m, i) => ({ timestamp: new Date(Date.UTC(2026, 11, 6, 7, 5 * i)).toISOString(), metrics: m }));

describe("judgeResource: sustained breaches (2 of the last 3 samples) and status checks", () => {
  const ok: StatusCheckSignal = { source: "ec2_instance_status", state: "ok" };
  const impaired: StatusCheckSignal = { source: "ec2_system_status", state: "impaired", detail: "reachability failed" };
  const degraded: StatusCheckSignal = { source: "azure_resource_health", state: "degraded" };
  const noData: StatusCheckSignal = { source: "ec2_instance_status", state: "no_data" };
  it.each([
    ["no samples, no checks", [], [], "unknown"],
    ["only unjudged keys (volumes are not symptoms)", series({ network_in_mbps: 900 }, { requests_per_second: 5000 }), [], "unknown"],
    ["a check with no data is no signal", [], [noData], "unknown"],
    ["one sample below every line", series({ cpu_utilization: 10 }), [], "healthy"],
    ["one spike at 99 % is not sustained", series({ cpu_utilization: 20 }, { cpu_utilization: 30 }, { cpu_utilization: 99 }), [], "healthy"],
    ["a single sample at 99 % is not sustained either", series({ cpu_utilization: 99 }), [], "healthy"],
    ["2 of 3 at or above critical (95)", series({ cpu_utilization: 96 }, { cpu_utilization: 40 }, { cpu_utilization: 95 }), [], "critical"],
    ["1 critical + 1 warning: 2 at or above warning (80)", series({ cpu_utilization: 96 }, { cpu_utilization: 40 }, { cpu_utilization: 81 }), [], "warning"],
    ["only the last 3 count: two old criticals, three recent lows", series({ cpu_utilization: 99 }, { cpu_utilization: 99 }, { cpu_utilization: 1 }, { cpu_utilization: 1 }, { cpu_utilization: 1 }), [], "healthy"],
    ["the worst key wins", series({ cpu_utilization: 10, error_rate: 6 }, { cpu_utilization: 10, error_rate: 5 }), [], "critical"],
    ["latency rule for keys the readers add: 2 of 3 ≥ 20 ms", series({ read_latency_ms: 25 }, { read_latency_ms: 30 }, { read_latency_ms: 5 }), [], "warning"],
    ["a status check alone is a signal: ok", [], [ok], "healthy"],
    ["impaired check beats healthy metrics", series({ cpu_utilization: 10 }, { cpu_utilization: 10 }), [impaired], "critical"],
    ["degraded check, healthy metrics", series({ cpu_utilization: 10 }), [degraded], "warning"],
    ["ok check does not hide sustained metrics", series({ memory_utilization: 96 }, { memory_utilization: 97 }), [ok], "critical"],
  ] as const)("%s → %s", (_name, samples, checks, status) => {
    expect(judgeResource(samples, checks).status).toBe(status);
  });

  // The breadth kinds' samples, as their tables shape them (docs/health-and-costs.md, "Per kind").
  it.each([
    ["EFS: I/O limit 96, 97, 40 % → 2 of 3 ≥ 95", series({ io_limit_utilization: 96 }, { io_limit_utilization: 97 }, { io_limit_utilization: 40 }), "critical"],
    ["EFS: I/O limit 81, 30, 90 % → 2 of 3 ≥ 80", series({ io_limit_utilization: 81 }, { io_limit_utilization: 30 }, { io_limit_utilization: 90 }), "warning"],
    ["EFS with only stored bytes (Elastic throughput: no credits, no I/O limit) → no signal", series({ storage_bytes: 5e9 }, { storage_bytes: 5e9 }), "unknown"],
    // Burst credits are lower-is-worse: warning at or below 100 GiB, critical at or below 1 GiB, 2 of the last 3.
    ["EFS bursting: credits 0, 0 B → 2 of 2 ≤ 1 GiB", series({ burst_credit_bytes: 0, storage_bytes: 5e9 }, { burst_credit_bytes: 0 }), "critical"],
    ["EFS bursting: credits 2 TiB, 80 GiB, 50 GiB → 2 of 3 ≤ 100 GiB, none ≤ 1 GiB", series({ burst_credit_bytes: 2 * 1024 ** 4 }, { burst_credit_bytes: 80 * 1024 ** 3 }, { burst_credit_bytes: 50 * 1024 ** 3 }), "warning"],
    ["EFS bursting: credits 0.5 GiB once, then 200 GiB twice → one dip is not sustained", series({ burst_credit_bytes: 0.5 * 1024 ** 3 }, { burst_credit_bytes: 200 * 1024 ** 3 }, { burst_credit_bytes: 200 * 1024 ** 3 }), "healthy"],
    ["EFS bursting: full credits (2.1 TiB) and I/O limit 96, 97 % → the worst key wins", series({ burst_credit_bytes: 2.1 * 1024 ** 4, io_limit_utilization: 96 }, { burst_credit_bytes: 2.1 * 1024 ** 4, io_limit_utilization: 97 }), "critical"],
    ["ElastiCache: evictions and connections alone are volumes", series({ evictions_per_second: 400, connections: 9000 }, { evictions_per_second: 300 }), "unknown"],
    ["ElastiCache: memory 97, 98 % of maxmemory", series({ cpu_utilization: 10, memory_utilization: 97 }, { cpu_utilization: 12, memory_utilization: 98 }), "critical"],
    ["Redshift: disk 88, 90, 70 % → 2 of 3 ≥ 85", series({ disk_utilization: 88 }, { disk_utilization: 90 }, { disk_utilization: 70 }), "warning"],
    ["ECS service: CPU 50, memory 60 %", series({ cpu_utilization: 50, memory_utilization: 60 }), "healthy"],
    ["Cloud SQL: CPU 0.97 → 97 %, twice", series({ cpu_utilization: 97 }, { cpu_utilization: 97 }), "critical"],
    ["backend service: 5xx 2 % of requests, twice; latency 300 ms", series({ error_rate: 2, response_time_ms: 300 }, { error_rate: 2, response_time_ms: 300 }), "warning"],
    ["bucket: bytes and objects only", series({ storage_bytes: 1e12, object_count: 1e6 }), "unknown"],
    ["function: 1 error in 10 executions, twice → 10 % ≥ 5", series({ invocations_per_second: 0.1, error_rate: 10 }, { invocations_per_second: 0.1, error_rate: 10 }), "critical"],
  ] as const)("%s → %s", (_name, samples, status) => {
    expect(judgeResource(samples).status).toBe(status);
  });

  it("orders samples by time, whatever order they arrive in", () => {
    const s = series({ cpu_utilization: 99 }, { cpu_utilization: 99 }, { cpu_utilization: 1 }, { cpu_utilization: 1 }, { cpu_utilization: 1 });
    expect(judgeResource([...s].reverse()).status).toBe("healthy");
    expect(judgeResource([s[1]!, s[0]!, s[4]!]).status).toBe("critical"); // newest three: 1, 99, 99
  });

  it("says why and what it rests on", () => {
    const j = judgeResource(series({ cpu_utilization: 96, network_in_mbps: 5 }, { cpu_utilization: 97 }, { cpu_utilization: 10 }), [impaired, noData]);
    expect(j.reasons).toEqual(["cpu_utilization ≥ 95 in 2 of the last 3 samples", "ec2_system_status impaired: reachability failed"]);
    expect(j.signals).toEqual(["cpu_utilization", "ec2_system_status"]);
  });

  it("says a falling key fell below its line", () => {
    const j = judgeResource(series({ burst_credit_bytes: 0 }, { burst_credit_bytes: 0 }));
    expect(j.reasons).toEqual(["burst_credit_bytes ≤ 1073741824 in 2 of the last 2 samples"]);
  });

  it("keeps falling keys out of the rising lines, which the performance alert rule reads", () => {
    expect(defaultThresholds.warning.burst_credit_bytes).toBeUndefined();
    expect(defaultThresholds.critical.burst_credit_bytes).toBeUndefined();
  });

  it("takes its own window", () => {
    const s = series({ cpu_utilization: 99 }, { cpu_utilization: 10 }, { cpu_utilization: 10 });
    expect(judgeResource(s, [], defaultThresholds, { window: 3, breaches: 1 }).status).toBe("critical");
    expect(judgeResource(s, [], defaultThresholds, { window: 2, breaches: 1 }).status).toBe("healthy");
  });

  it("judges exactly the keys with a threshold", () => {
    expect(judgedKeys().sort()).toEqual(
      ["burst_credit_bytes", "cpu_utilization", "disk_utilization", "error_rate", "io_limit_utilization", "memory_utilization", "read_latency_ms", "response_time_ms", "write_latency_ms"],
    );
  });
});

describe("unit conversions", () => {
  it.each([
    [125_000_000, 1, 1000],
    [37_500_000, 300, 1],
    [0, 60, 0],
  ])("%i bytes over %i s → %f Mbps", (bytes, seconds, mbps) => {
    expect(bytesToMbps(bytes, seconds)).toBeCloseTo(mbps, 10);
  });
  it("refuses a zero period", () => expect(() => bytesToMbps(1, 0)).toThrow(RangeError));
  it("fractions become percentages", () => expect(fractionToPercent(0.255)).toBeCloseTo(25.5, 10));
});
