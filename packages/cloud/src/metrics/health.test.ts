import { describe, expect, it } from "vitest";
import { bytesToMbps, defaultThresholds, evaluateHealth, fractionToPercent } from "./health.ts";

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
