import { describe, expect, it } from "vitest";
import { isDecimal, normalizeDecimal, roundDecimal, sumDecimals } from "./decimal.ts";

describe("decimal strings", () => {
  it.each([
    ["12.3400", "12.34"],
    ["007", "7"],
    ["-0.50", "-0.5"],
    ["-0", "0"],
    ["1.2e-5", "0.000012"],
    ["3E2", "300"],
  ])("normalizes %s → %s", (input, out) => expect(normalizeDecimal(input)).toBe(out));

  it("sums exactly where floats do not", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["10.00", "5.50", "-1.25", "0.0000000001"])).toBe("14.2500000001");
    expect(sumDecimals([])).toBe("0");
  });

  it.each([
    ["2.345", 2, "2.35"],
    ["-2.345", 2, "-2.35"],
    ["2.344", 2, "2.34"],
    ["2.3", 2, "2.3"],
  ])("rounds %s to %i places → %s", (v, p, out) => expect(roundDecimal(v, p)).toBe(out));

  it("rejects what is not a number", () => {
    expect(isDecimal("12,50")).toBe(false);
    expect(isDecimal("abc")).toBe(false);
    expect(() => normalizeDecimal("NaN")).toThrow(RangeError);
  });
});
