import postgres from "postgres";
import { copyInto, copyLine } from "../src/copy.ts";
const sql = postgres("postgres://postgres@127.0.0.1:5432/cloudsync_bench_31301_aa09fbae", { max: 2 });
console.log(await sql`select count(*) from infrastructure_monitoring`);
console.log(await sql`select ensure_monitoring_partitions('2025-09-01'::date, 3) as name`);
console.log("ensured");
await sql.end();
