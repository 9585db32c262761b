import type { KindReadPlan } from "../core/kind-reader.ts";
import { kindRead } from "../core/kind-reader.ts";
import { failingRead } from "../core/reads.ts";
import type { ScopeRead } from "../core/scope-runner.ts";
import type { CloudError } from "../errors.ts";
import type { NormalizedResource, ScopeRef } from "../types.ts";
import type { AwsKindReader } from "./kinds/kind.ts";
import type { AwsSession } from "./session.ts";

/** An account's enabled regions, or why they could not be read. */
export type AccountPlan = { account: string; regions: readonly string[] } | { account: string; failure: CloudError };

export interface ResourcePlanSettings {
  homeRegion: string;
  pageSize: number | undefined;
}

/**
 * The reads of an inventory: each kind once per account × enabled region, global kinds once per
 * account (scope region `global`). An account whose regions could not be listed is one read
 * that fails at once: scope `{account, *, *}` vouches for none of it.
 *
 * The order is what the scope runner starts first. Global kinds come first: each is one long
 * scope per account (S3's per-bucket reads, CloudFront's per-distribution tags) that would
 * otherwise start last and set the run's tail. Then each regional kind across every account and
 * region at once: its calls go to as many rate-limit buckets (`account:region:service`) as there
 * are accounts × regions, where account by account they queued on one account's buckets while
 * the others' stood idle.
 *
 * So a service's clients are needed only while its kinds' reads run: once the last read of a
 * service (`ec2` for the seven EC2 kinds, `lambda`…) has ended, the session forgets that
 * service's clients in every account and region, and only the few services being read hold
 * clients at any time. A read that never starts (the stream stopped) leaves them to the
 * session's close.
 */
export function* resourceReads(
  plans: readonly AccountPlan[],
  readers: readonly AwsKindReader[],
  session: AwsSession,
  settings: ResourcePlanSettings,
): Generator<ScopeRead<NormalizedResource>> {
  const readable: { account: string; regions: readonly string[] }[] = [];
  for (const plan of plans) {
    if ("failure" in plan) yield failingRead({ cloud: "aws", account: plan.account, region: "*", kind: "*" }, "DescribeRegions", plan.failure);
    else readable.push(plan);
  }
  const ordered = [...readers.filter((r) => r.fanout === "account_global"), ...readers.filter((r) => r.fanout !== "account_global")];
  const remaining = new Map<string, number>();
  for (const reader of ordered) {
    const reads = readable.reduce((n, plan) => n + (reader.fanout === "account_global" ? 1 : plan.regions.length), 0);
    remaining.set(reader.service, (remaining.get(reader.service) ?? 0) + reads);
  }
  const ended = (service: string) => {
    const left = (remaining.get(service) ?? 0) - 1;
    remaining.set(service, left);
    if (left === 0) session.release(service);
  };
  for (const reader of ordered) {
    for (const plan of readable) {
      const regions = reader.fanout === "account_global" ? ["global"] : plan.regions;
      for (const region of regions) {
        const scope: ScopeRef = { cloud: "aws", account: plan.account, region, kind: reader.kind };
        const readPlan: KindReadPlan<object> = { scopes: [scope], where: { account: plan.account, region } };
        const clientRegion = reader.fanout === "account_global" ? settings.homeRegion : region;
        const read = kindRead(reader, readPlan, ({ signal }) => ({
          account: plan.account,
          region,
          clients: session.clientsFor(plan.account, clientRegion),
          pageSize: settings.pageSize,
          signal,
        }));
        yield { ...read, read: (state) => endingWith(read.read(state), () => ended(reader.service)) };
      }
    }
  }
}

/** The read's steps, then `end` once, however the read stops (done, failed, or returned early). */
async function* endingWith<S>(steps: AsyncIterable<S>, end: () => void): AsyncGenerator<S> {
  try {
    yield* steps;
  } finally {
    end();
  }
}
