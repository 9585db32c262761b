import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress } from "../src/cli/output.ts";
import { syncProgressLine } from "../src/cli/run-syncs.ts";

/** A real stream that keeps what was written, as a pipe or a log file would. */
function collector(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => chunks.join("") };
}

describe("sync progress", () => {
  it("formats scopes done of the expected total, items and items per second", () => {
    expect(syncProgressLine("aws resources", { scopesDone: 3, scopesFailed: 0, itemsSeen: 1200 }, 12, 2000, "resources")).toBe(
      "aws resources: 3/12 scopes, 1200 resources, 600 resources/s",
    );
    expect(syncProgressLine("gcp costs", { scopesDone: 2, scopesFailed: 1, itemsSeen: 10 }, null, 0, "cost lines")).toBe("gcp costs: 3 scopes (1 failed), 10 cost lines, 0 cost lines/s");
    // More scopes than the last run had: no total rather than 13/12.
    expect(syncProgressLine("aws resources", { scopesDone: 13, scopesFailed: 0, itemsSeen: 5 }, 12, 1000, "resources")).toMatch(/: 13 scopes, /);
  });

  it("when not a terminal, prints a plain line for a milestone at most every 5 s, nothing between, and always the last milestone and the closing line", () => {
    const out = collector(false);
    let now = 0;
    const progress = createProgress(out.stream, { now: () => now });
    progress.update("aws resources: 0 scopes, 100 resources, 100 resources/s");
    progress.update("aws resources: 1/3 scopes, 150 resources, 120 resources/s", { milestone: true });
    now = 1_000;
    progress.update("aws resources: 1/3 scopes, 170 resources, 121 resources/s");
    progress.update("aws resources: 2/3 scopes, 180 resources, 122 resources/s", { milestone: true });
    now = 5_000;
    progress.update("aws resources: 3/4 scopes, 200 resources, 125 resources/s", { milestone: true });
    now = 6_000;
    progress.update("aws resources: 4/4 scopes, 210 resources, 120 resources/s", { milestone: true });
    progress.done("aws resources: succeeded in 6.0 s");
    // The next sync starts its own count: its first milestone is printed at once.
    progress.update("gcp resources: 1/1 scopes, 10 resources, 10 resources/s", { milestone: true });
    expect(out.text()).toBe(
      [
        "aws resources: 1/3 scopes, 150 resources, 120 resources/s",
        "aws resources: 3/4 scopes, 200 resources, 125 resources/s",
        "aws resources: 4/4 scopes, 210 resources, 120 resources/s",
        "aws resources: succeeded in 6.0 s",
        "gcp resources: 1/1 scopes, 10 resources, 10 resources/s",
        "",
      ].join("\n"),
    );
  });

  it("on a terminal, rewrites one line and clears it before the closing line", () => {
    const out = collector(true);
    const progress = createProgress(out.stream);
    progress.update("a: 1/2 scopes", { milestone: true });
    progress.done("a: succeeded");
    expect(out.text()).toBe("\r\x1b[2Ka: 1/2 scopes\r\x1b[2Ka: succeeded\n");
  });
});
