import { expect, it } from "vitest";
import { describeCounts } from "./run-syncs.ts";

it.each([
  [{ kind: "resources", inserted: 5, updated: 1, unchanged: 2, terminated: 1 } as const, "5 inserted, 1 updated, 2 unchanged, 1 terminated"],
  [{ kind: "costs", costLinesInserted: 10, costLinesReplaced: 4 } as const, "10 cost lines inserted, 4 replaced"],
  [{ kind: "metrics", samplesStored: 7, samplesAlreadyPresent: 3 } as const, "7 samples stored, 3 already present"],
])("%j reads as %s", (counts, text) => {
  expect(describeCounts(counts)).toBe(text);
});
