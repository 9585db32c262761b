import { describe, expect, it } from "vitest";
import { awsApiLimitOf, awsLimiterKey } from "../aws/api-limits.ts";
import { createRateLimiter } from "./rate-limiter.ts";

/** A clock that only moves when the limiter sleeps, so waits are exact and instant. */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe("rate limiter with documented per-API limits", () => {
  it("gives a key with a documented limit its own rate and burst, and the others the default", async () => {
    const time = fakeTime();
    const limiter = createRateLimiter({
      requestsPerSecond: 100,
      now: time.now,
      sleep: time.sleep,
      limitOf: (key) => (key.endsWith(":organizations") ? { requestsPerSecond: 5, burst: 2 } : undefined),
    });
    // Burst of 2, then one token every 200 ms (5 per second): the third waits 200 ms.
    for (let i = 0; i < 3; i++) await limiter.acquire("organization:us-east-1:organizations");
    expect(time.slept).toEqual([200]);
    // The default key holds 100 at once: no wait for 100 calls.
    for (let i = 0; i < 100; i++) await limiter.acquire("111111111111:us-east-1:ec2x");
    expect(time.slept).toEqual([200]);
  });

  it("maps AWS keys to the documented limits by their service", () => {
    // Hand-copied from the sources cited in api-limits.ts.
    expect(awsApiLimitOf("111111111111:eu-west-1:ec2")).toEqual({ requestsPerSecond: 20, burst: 100 });
    expect(awsApiLimitOf("base:us-east-1:sts")).toEqual({ requestsPerSecond: 600, burst: 600 });
    expect(awsApiLimitOf("organization:us-east-1:organizations")).toEqual({ requestsPerSecond: 5, burst: 5 });
    expect(awsApiLimitOf("111111111111:eu-west-1:elasticloadbalancing")).toEqual({ requestsPerSecond: 10, burst: 40 });
    expect(awsApiLimitOf("111111111111:eu-west-1:ecs")).toEqual({ requestsPerSecond: 20, burst: 50 });
    expect(awsApiLimitOf("111111111111:eu-west-1:lambda")).toEqual({ requestsPerSecond: 15, burst: 15 });
    expect(awsApiLimitOf("111111111111:eu-west-1:lambda:GetFunction")).toEqual({ requestsPerSecond: 100, burst: 100 });
    expect(awsApiLimitOf("111111111111:eu-west-1:dynamodb")).toEqual({ requestsPerSecond: 2500, burst: 2500 });
    expect(awsApiLimitOf("111111111111:us-east-1:s3")).toEqual({ requestsPerSecond: 100, burst: 100 });
    // No published rate: the adapter's default applies.
    expect(awsApiLimitOf("111111111111:eu-west-1:rds")).toBeUndefined();
    expect(awsApiLimitOf("111111111111:us-east-1:cloudfront")).toBeUndefined();
  });

  it.each([
    // [client key, SDK command, limiter key]
    ["111111111111:eu-west-1:lambda", "GetFunctionCommand", "111111111111:eu-west-1:lambda:GetFunction"],
    ["111111111111:eu-west-1:lambda", "ListFunctionsCommand", "111111111111:eu-west-1:lambda"],
    ["111111111111:eu-west-1:ec2", "DescribeInstancesCommand", "111111111111:eu-west-1:ec2"],
    ["111111111111:eu-west-1:ec2", undefined, "111111111111:eu-west-1:ec2"],
  ])("keys a call of %s's %s by its own action only when that action is metered alone", (clientKey, command, expected) => {
    expect(awsLimiterKey(clientKey, command)).toBe(expected);
  });

  it("refuses a documented limit that is not a positive rate", () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, limitOf: () => ({ requestsPerSecond: 0 }) });
    expect(() => limiter.acquire("x")).toThrow(/positive rate/);
  });
});
