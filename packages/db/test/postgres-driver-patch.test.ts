/**
 * Our pinned postgres.js carries a patch (patches/postgres@3.4.9.patch): on every new
 * connection the driver reads the array types first, and upstream drops that query's promise,
 * so a types query cut short (a server restart, a cancel, a statement timeout) becomes an
 * unhandled rejection and ends a worker process (porsager/postgres#1192). A statement timeout of
 * 1 ms bound at connection start cancels that query every time, which makes the defect
 * reproducible without stopping a server.
 */
import postgres from "postgres";
import { afterEach, expect, it } from "vitest";
import { defaultAdminUrl } from "../src/testing.ts";

const seen: unknown[] = [];
const record = (reason: unknown) => seen.push(reason);
afterEach(() => {
  process.off("unhandledRejection", record);
});

it("a types query cancelled at connection start fails no process: the statement gets its own answer", async () => {
  process.on("unhandledRejection", record);
  const sql = postgres(defaultAdminUrl(), { max: 1, connection: { statement_timeout: 1 }, onnotice: () => undefined });
  try {
    // The user's statement may itself be cancelled by the 1 ms timeout, or succeed: either is
    // its own answer. What must not happen is a second, uncatchable rejection.
    const outcome = await sql`select 1 as one`.then(
      (rows) => `ok:${rows[0]?.one}`,
      (error: { code?: string }) => `error:${error.code}`,
    );
    expect(["ok:1", "error:57014"]).toContain(outcome);
    // Give a dropped promise the turns it needs to surface.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
  } finally {
    await sql.end({ timeout: 1 });
  }
});
