import { describe, expect, it } from "vitest";
import { cpuSpent } from "../src/backend-cpu.ts";
import { cpuCeiling } from "../src/steps/scale.ts";

describe("the scale step's CPU ceiling", () => {
  it("is the machine's CPU-seconds over the one-process run's, by hand", () => {
    // 28.8 s on 2 cores is 57.6 CPU-seconds; the sync used 12.4 + 3.2 + 3.4 = 19.0: 57.6 / 19.0 = 3.03.
    const one = { seconds: 28.8, perProcess: [{ cpuSeconds: 12.4 }], postgresCpuSeconds: 3.2, emulatorCpuSeconds: 3.4 };
    expect(cpuCeiling(one, 2)).toBeCloseTo(3.03, 2);
    // Four cores double what the machine has, and the ceiling with it.
    expect(cpuCeiling(one, 4)).toBeCloseTo(6.06, 2);
  });

  it("has no ceiling when the run used no CPU that could be measured", () => {
    expect(cpuCeiling({ seconds: 10, perProcess: [{ cpuSeconds: 0 }], postgresCpuSeconds: 0, emulatorCpuSeconds: 0 }, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("the PostgreSQL backends' CPU while some work runs", () => {
  it("counts a backend that was there before the work only for what it spent since, by hand", () => {
    // pid 1 loaded an estate earlier (93.0 s) and spent 1.5 s more; pid 2 came with the work (2.25 s);
    // pid 3 was there and idle (40 s before and after).
    const latest = new Map([
      [1, 94.5],
      [2, 2.25],
      [3, 40],
    ]);
    const before = new Map([
      [1, 93],
      [3, 40],
    ]);
    const spent = cpuSpent(latest, before);
    expect(spent.cpuSeconds).toBeCloseTo(3.75, 6);
    expect(spent.backends).toBe(2);
  });
});
