import { describe, expect, it } from "vitest";
import { createFaultState } from "../src/faults.ts";

describe("fault knobs", () => {
  it("throttleEvery throttles every Nth matching request, and only matching ones count", () => {
    const faults = createFaultState();
    faults.set({ throttleEvery: 3, match: "ec2:" });
    const kinds = ["ec2:A", "s3:B", "ec2:C", "ec2:D", "ec2:E", "s3:F", "ec2:G", "ec2:H"].map((op) => faults.decide(op).kind);
    // Matching requests: A(1) C(2) D(3, throttled) E(4) G(5) H(6, throttled); s3 never counts.
    expect(kinds).toEqual(["ok", "ok", "ok", "throttle", "ok", "ok", "ok", "throttle"]);
    expect(faults.throttled).toBe(2);
  });

  it("delayMaxMs spreads each delay between delayMs and delayMaxMs; without it the delay is fixed", () => {
    const faults = createFaultState();
    faults.set({ delayMs: 50, delayMaxMs: 150 });
    const delays = Array.from({ length: 200 }, () => faults.decide("op").delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThanOrEqual(150);
    expect(new Set(delays).size, "the delays vary").toBeGreaterThan(1);
    faults.set({ delayMs: 20, match: "x" });
    expect([faults.decide("x1").delayMs, faults.decide("y").delayMs]).toEqual([20, 0]);
  });
});
