import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, queryRows } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";

let tdb: TestDatabase;
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-rows-"));
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const pageStatement = (doc: string) =>
  sql`select x.id, x.name from json_to_recordset(${doc}::json) as x(id int, name text) order by x.id`;

it("with prepare, a server parses a statement once per connection and answers as without it", async () => {
  const doc = JSON.stringify([{ id: 2, name: "b" }, { id: 1, name: "a" }]);
  const plain = await queryRows(tdb.db, pageStatement(doc));
  const { prepared, statements } = await tdb.db.transaction(async (tx) => {
    // A transaction keeps one connection, whose prepared statements the server lists.
    const first = await queryRows(tx, pageStatement(doc), { prepare: true });
    await queryRows(tx, pageStatement(JSON.stringify([{ id: 3, name: "c" }])), { prepare: true });
    const listed = await queryRows<{ statement: string }>(
      tx,
      sql`select statement from pg_prepared_statements where statement like '%json_to_recordset%'`,
    );
    return { prepared: first, statements: listed };
  });
  expect(prepared).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
  expect(prepared).toEqual(plain);
  expect(statements).toHaveLength(1);
});

it("with prepare on the embedded PGlite, the statement simply runs", async () => {
  const handle = await createDb({ dataDir: dir });
  try {
    const rows = await queryRows(handle.db, pageStatement(JSON.stringify([{ id: 7, name: "g" }])), { prepare: true });
    expect(rows).toEqual([{ id: 7, name: "g" }]);
  } finally {
    await handle.close();
  }
});
