import { describe, expect, it } from "vitest";
import { CloudError } from "../errors.ts";
import type { AwsKindReader } from "./kinds/kind.ts";
import { type AccountPlan, resourceReads } from "./scope-plan.ts";
import type { AwsSession } from "./session.ts";

/** Readers with only what the plan looks at; their pages are never read here. */
const reader = (kind: string, fanout: AwsKindReader["fanout"]) => ({ kind, fanout, operation: "List", pages: async function* () {}, normalize: () => null }) as unknown as AwsKindReader;
const session = { clientsFor: () => ({}) } as unknown as AwsSession;

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
});
