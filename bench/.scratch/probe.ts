import { startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials, createAdapter, parseProviderCredentials } from "@cloudsync/sync-worker";
const size = Number(process.argv[2] ?? 3000);
for (const [name, start, cred] of [
  ["aws", () => startAwsEmulator({ seed: 1, size }), awsEmulatorCredentials],
  ["azure", () => startAzureEmulator({ seed: 1, size }), azureEmulatorCredentials],
  ["gcp", () => startGcpEmulator({ seed: 1, size }), gcpEmulatorCredentials],
] as const) {
  const em = await (start as () => Promise<any>)();
  const c = parseProviderCredentials((cred as (e: any) => unknown)(em));
  const adapter = createAdapter(c, {});
  const t0 = performance.now();
  let n = 0, scopes = 0, pages = 0, first: unknown; const sizes: number[] = [];
  for await (const ev of adapter.streamResources()) {
    if (ev.type === "page") { n += ev.resources.length; pages++; if (!first) first = ev.resources[0]; for (const r of ev.resources.slice(0, 3)) sizes.push(JSON.stringify(r.configuration).length); }
    if (ev.type === "scope_completed") scopes++;
    if (ev.type === "scope_failed") console.log("failed", ev.scope, ev.error.message);
  }
  const dt = (performance.now() - t0) / 1000;
  console.log(name, { n, scopes, pages, s: dt.toFixed(1), perS: Math.round(n / dt), avgCfg: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length), rss: Math.round(process.memoryUsage().rss / 1e6) });
  if (name === "aws") console.log(JSON.stringify(first).slice(0, 1500));
  await (adapter as any).close?.();
  await em.close();
}
