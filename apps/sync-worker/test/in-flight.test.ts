import { describe, expect, it } from "vitest";
import { WritesInFlight } from "../src/write/in-flight.ts";

/** A write that finishes when told to, recording when it started and ended. */
function gate(log: string[], name: string) {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    open,
    fail,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("WritesInFlight", () => {
  it("lets no more than its limit of pages run at once", async () => {
    const log: string[] = [];
    const w = new WritesInFlight(2);
    const [a, b, c] = [gate(log, "a"), gate(log, "b"), gate(log, "c")];
    await w.admit();
    w.start(a.work);
    await w.admit();
    w.start(b.work);
    const third = w.admit().then(() => w.start(c.work));
    await tick();
    expect(log).toEqual(["start a", "start b"]);
    b.open();
    await third;
    expect(log).toEqual(["start a", "start b", "end b", "start c"]);
    a.open();
    c.open();
    await w.flush();
    expect(log.filter((l) => l.startsWith("end"))).toEqual(["end b", "end a", "end c"]);
  });

  it("holds back a page that touches ids still in flight, even below the limit", async () => {
    const log: string[] = [];
    const w = new WritesInFlight(4);
    const [a, b] = [gate(log, "a"), gate(log, "b")];
    w.start(a.work, { ids: new Set(["r-1", "r-2"]), isPage: false });
    const second = w.admit(new Set(["r-2"])).then(() => w.start(b.work, { ids: new Set(["r-2"]) }));
    const unrelated = w.admit(new Set(["r-9"]));
    await unrelated;
    await tick();
    expect(log).toEqual(["start a"]);
    a.open();
    await second;
    b.open();
    await w.flush();
    expect(log).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("keeps the first failure and rethrows it at every later call", async () => {
    const w = new WritesInFlight(2);
    const log: string[] = [];
    const a = gate(log, "a");
    w.start(a.work);
    a.fail(new Error("page 1 refused"));
    await expect(w.flush()).rejects.toThrow("page 1 refused");
    expect(w.failed).toBe(true);
    await expect(w.admit()).rejects.toThrow("page 1 refused");
    expect(() => w.throwIfFailed()).toThrow("page 1 refused");
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a limit of %s", (limit) => {
    expect(() => new WritesInFlight(limit)).toThrow(/pagesInFlight must be a whole number of at least 1/);
  });
});
