import { describe, expect, it } from "vitest";
import { costWindowFor } from "./sync-costs.ts";

describe("the default window of a scheduled cost sync, per cloud", () => {
  it.each([
    // cloud, today, payload, expected window
    ["aws", "2026-12-06", {}, { start: "2026-12-03", end: "2026-12-06" }],
    ["gcp", "2026-12-06", {}, { start: "2026-12-03", end: "2026-12-06" }],
    // Monthly lines are dated the 1st: the month to date, and last month while it is restated.
    ["digitalocean", "2026-12-06", {}, { start: "2026-12-01", end: "2026-12-06" }],
    ["linode", "2026-12-02", {}, { start: "2026-11-01", end: "2026-12-02" }],
    ["vultr", "2026-12-20", {}, { start: "2026-12-01", end: "2026-12-20" }],
    // What the caller asks for wins, for every cloud.
    ["vultr", "2026-12-20", { trailingDays: 1 }, { start: "2026-12-19", end: "2026-12-20" }],
    ["aws", "2026-12-20", { monthToDate: true }, { start: "2026-12-01", end: "2026-12-20" }],
    ["digitalocean", "2026-12-20", { window: { start: "2026-10-01", end: "2026-10-31" } }, { start: "2026-10-01", end: "2026-10-31" }],
  ] as const)("%s on %s with %j reads %j", (cloud, today, payload, expected) => {
    expect(costWindowFor(cloud, today, payload)).toEqual(expected);
  });
});
