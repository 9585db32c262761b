import postgres from "postgres";
// usage: timeq.ts <db> <sql> [runs] [role]   ($1 = organization id)
const [db, query, runsArg, roleArg] = process.argv.slice(2);
const sql = postgres(`postgres://postgres@127.0.0.1:5432/${db}`, { max: 1, onnotice: (n) => { if (process.env.PLAN) console.log(String(n.message).slice(0, 20000)); } });
const [org] = await sql`select id from organizations where slug like 'bench-%' and slug not like 'bench-e2e%' limit 1`;
const role = roleArg ?? "cloudsync_app";
const times: number[] = [];
const runs = Number(runsArg ?? 20);
if (process.env.PLAN) { await sql.unsafe("load 'auto_explain'"); }
for (let k = 0; k < runs + 2; k++) {
  const plan = process.env.PLAN && k === runs + 1;
  const ms = await sql.begin(async (tx) => {
    if (plan) for (const s of ["log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_nested_statements = on", "log_level = notice"]) await tx.unsafe(`set local auto_explain.${s}`);
    await tx`select set_config('app.organization_id', ${org!.id}, true)`;
    if (role !== "owner") await tx.unsafe(`set local role ${role}`);
    const t = performance.now();
    const rows = await tx.unsafe(query!, [org!.id], { prepare: true });
    const d = performance.now() - t;
    if (k === 0) console.log("rows", rows.length, JSON.stringify(rows[0] ?? {}).slice(0, 300));
    return d;
  });
  if (k >= 2 && !plan) times.push(ms as number);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * (times.length - 1) + 0.5))]!.toFixed(2);
console.log({ p50: q(0.5), p95: q(0.95), min: times[0]!.toFixed(2), n: times.length });
await sql.end();
