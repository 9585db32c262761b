import postgres from "postgres";
import { copyInto, copyLine } from "../src/copy.ts";
const sql = postgres("postgres://postgres@127.0.0.1:5432/dbg_copy", { max: 2 });
await sql`create temp table if not exists t (a int, b text)`.catch(() => {});
await sql`create table if not exists tt (a int, b text)`;
function* gen() { yield copyLine([1, "x"]); throw new Error("boom"); }
try { await copyInto(sql, "tt", ["a", "b"], { lines: gen() }); console.log("ok?"); } catch (e) { console.log("rejected", (e as Error).message); }
function* gen2() { yield copyLine(["notanint", "x"]); }
try { await copyInto(sql, "tt", ["a", "b"], { lines: gen2() }); console.log("ok?"); } catch (e) { console.log("rejected2", (e as Error).message); }
await sql.end();
