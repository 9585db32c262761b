import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { MetricQuery, MetricSample, MetricTarget } from "../types.ts";
import type { DoAnswer, DotsV2, RequestInformation } from "./clients.ts";
import { cpuUtilization, gauge, joinSamples, memoryUtilization, seriesOf } from "./normalize-metrics.ts";

type TeamGet = (team: string, operation: string, build: (v2: DotsV2, options: readonly object[]) => RequestInformation, signal: AbortSignal | undefined) => Promise<DoAnswer>;

/**
 * The metric reads of a query: one per team (scope `digitalocean:<team>:*:metrics`), which asks
 * Monitoring five series per droplet (cpu, memory_total, memory_available, public bandwidth in
 * and out) and yields one page per droplet. A droplet without points (off, or no agent) yields
 * nothing: its health stays `unknown` rather than guessed.
 */
export function metricReads(query: MetricQuery, teams: readonly string[], get: TeamGet): ScopeRead<MetricSample>[] {
  const droplets = query.targets.filter((t) => t.kind === "do_droplet" && teams.includes(t.account));
  const byTeam = new Map<string, MetricTarget[]>();
  for (const t of droplets) byTeam.set(t.account, [...(byTeam.get(t.account) ?? []), t]);
  const start = Math.floor(query.start.getTime() / 1000);
  const end = Math.floor(query.end.getTime() / 1000);
  return [...byTeam].map(([team, targets]) => ({
    scopes: [{ cloud: "digitalocean" as const, account: team, region: "*", kind: "metrics" }],
    operation: "monitoring/metrics/droplet",
    read: (state) => readTeam(team, targets, start, end, get, state),
  }));
}

async function* readTeam(
  team: string,
  targets: readonly MetricTarget[],
  start: number,
  end: number,
  get: TeamGet,
  state: { signal: AbortSignal | undefined; operation: string; resourceCount?: number },
): AsyncGenerator<ReadStep<MetricSample>> {
  let withSamples = 0;
  const window = { start: String(start), end: String(end) };
  for (const target of targets) {
    const hostId = target.resourceId;
    const ask = async (operation: string, build: (v2: DotsV2, options: readonly object[]) => RequestInformation) => {
      state.operation = operation;
      return seriesOf((await get(team, operation, build, state.signal)).body);
    };
    const cpu = await ask("monitoring/metrics/droplet/cpu", (v2, options) => v2.monitoring.metrics.droplet.cpu.toGetRequestInformation({ queryParameters: { hostId, ...window }, options }));
    const total = await ask("monitoring/metrics/droplet/memory_total", (v2, options) => v2.monitoring.metrics.droplet.memory_total.toGetRequestInformation({ queryParameters: { hostId, ...window }, options }));
    const available = await ask("monitoring/metrics/droplet/memory_available", (v2, options) => v2.monitoring.metrics.droplet.memory_available.toGetRequestInformation({ queryParameters: { hostId, ...window }, options }));
    const bandwidth = (direction: "inbound" | "outbound") =>
      ask("monitoring/metrics/droplet/bandwidth", (v2, options) =>
        v2.monitoring.metrics.droplet.bandwidth.toGetRequestInformation({ queryParameters: { hostId, interface: "public", direction, ...window }, options }),
      );
    const inbound = await bandwidth("inbound");
    const outbound = await bandwidth("outbound");
    const samples = joinSamples(
      {
        cpu_utilization: cpuUtilization(cpu),
        memory_utilization: memoryUtilization(total[0], available[0]),
        network_in_mbps: gauge(inbound[0]),
        network_out_mbps: gauge(outbound[0]),
      },
      start,
      end,
    ).map((s) => ({ cloud: "digitalocean" as const, account: team, resourceId: hostId, ...s }));
    if (samples.length === 0) continue;
    withSamples += 1;
    state.resourceCount = withSamples;
    yield { type: "items", items: samples };
  }
  state.resourceCount = withSamples;
}
