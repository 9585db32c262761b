import { LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../common/rate-limiter.ts";
import { runScopes } from "../core/scope-runner.ts";
import { CloudError } from "../errors.ts";
import { createRequestHandler } from "./clients.ts";
import type { AwsKindReader, ScopeReadContext } from "./kinds/kind.ts";
import { type AccountPlan, resourceReads } from "./scope-plan.ts";
import { type AwsSession, openSession } from "./session.ts";

/** Readers with only what the plan looks at; their pages are never read here. */
const reader = (kind: string, fanout: AwsKindReader["fanout"]) => ({ kind, fanout, operation: "List", pages: async function* () {}, normalize: () => null }) as unknown as AwsKindReader;
const session = { clientsFor: () => ({}), release: () => undefined } as unknown as AwsSession;

describe("resourceReads", () => {
  it("starts every account's global kinds first, then each regional kind across all accounts and regions", () => {
    const plans: AccountPlan[] = [
      { account: "111", regions: ["r1", "r2"] },
      { account: "222", regions: ["r1"] },
    ];
    const readers = [reader("vpc", "account_region"), reader("s3_bucket", "account_global"), reader("lambda_function", "account_region")];
    const order = [...resourceReads(plans, readers, session, { homeRegion: "r1", pageSize: undefined })].map((r) => {
      const s = r.scopes[0]!;
      return `${s.kind}@${s.account}/${s.region}`;
    });
    expect(order).toEqual([
      "s3_bucket@111/global",
      "s3_bucket@222/global",
      "vpc@111/r1",
      "vpc@111/r2",
      "vpc@222/r1",
      "lambda_function@111/r1",
      "lambda_function@111/r2",
      "lambda_function@222/r1",
    ]);
  });

  it("yields one failing read for an account whose regions could not be listed, and still plans the others", () => {
    const failure = new CloudError("aws", "DescribeRegions was refused", { account: "333" });
    const plans: AccountPlan[] = [{ account: "333", failure }, { account: "111", regions: ["r1"] }];
    const reads = [...resourceReads(plans, [reader("vpc", "account_region")], session, { homeRegion: "r1", pageSize: undefined })];
    expect(reads.map((r) => r.scopes[0])).toEqual([
      { cloud: "aws", account: "333", region: "*", kind: "*" },
      { cloud: "aws", account: "111", region: "r1", kind: "vpc" },
    ]);
  });

  it("forgets a service's clients in every account and region once its kinds' last read has ended", async () => {
    // Real SDK clients in a real session; the reads only make them (nothing is sent), and note
    // which clients the session holds as each read starts.
    const requestHandler = createRequestHandler(1_000, false);
    const real = openSession(
      {
        endpoint: "http://127.0.0.1:9",
        maxAttempts: 1,
        timeoutMs: 1_000,
        limiter: createRateLimiter({ requestsPerSecond: 1_000 }),
        requestHandler,
        credentialsOf: () => async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
      },
      undefined,
    );
    const seen: string[] = [];
    const held = () => JSON.stringify(Object.fromEntries(real.liveClients()));
    const using = (kind: string, service: string, make: (ctx: ScopeReadContext) => unknown) =>
      ({
        kind,
        fanout: "account_region",
        service,
        operation: "List",
        async *pages(ctx: ScopeReadContext) {
          seen.push(`${kind}@${ctx.account}/${ctx.region} starts holding ${held()}`);
          make(ctx);
          yield [];
        },
        normalize: () => null,
      }) as unknown as AwsKindReader;
    const readers = [
      using("vpc", "ec2", (ctx) => ctx.clients.ec2()),
      using("subnet", "ec2", (ctx) => ctx.clients.ec2()),
      using("lambda_function", "lambda", (ctx) => ctx.clients.client("lambda", (c) => new LambdaClient(c))),
    ];
    const plans: AccountPlan[] = [
      { account: "111", regions: ["r1", "r2"] },
      { account: "222", regions: ["r1"] },
    ];
    const reads = resourceReads(plans, readers, real, { homeRegion: "r1", pageSize: undefined });
    const events = [];
    for await (const e of runScopes(reads, { cloud: "aws", stream: "resources", concurrency: 1, signal: undefined, logger: undefined, toError: (e) => e as Error, page: (scope, items) => ({ scope, items }) })) {
      events.push(e);
    }
    expect(events.map((e) => (e as { type: string }).type)).toEqual(Array(9).fill("scope_completed"));
    expect(seen).toEqual([
      'vpc@111/r1 starts holding {}',
      'vpc@111/r2 starts holding {"ec2":1}',
      'vpc@222/r1 starts holding {"ec2":2}',
      // The EC2 clients stay while another EC2 kind is still to be read.
      'subnet@111/r1 starts holding {"ec2":3}',
      'subnet@111/r2 starts holding {"ec2":3}',
      'subnet@222/r1 starts holding {"ec2":3}',
      // The last EC2 read has ended: its clients are forgotten in every account and region.
      "lambda_function@111/r1 starts holding {}",
      'lambda_function@111/r2 starts holding {"lambda":1}',
      'lambda_function@222/r1 starts holding {"lambda":2}',
    ]);
    expect(held()).toBe("{}");
    real.close();
    requestHandler.destroy();
  });
});
