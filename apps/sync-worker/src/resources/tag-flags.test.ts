import { describe, expect, it } from "vitest";
import { environmentFromTags, weddingCriticalFromTags } from "./tag-flags.ts";

describe("environmentFromTags", () => {
  it.each([
    [{ env: "prod" }, "production"],
    [{ Environment: "Production" }, "production"],
    [{ ENV: " staging " }, "staging"],
    [{ stage: "uat" }, "staging"],
    [{ env: "QA" }, "testing"],
    [{ environment: "dev" }, "development"],
    [{ env: "sandbox" }, "development"],
    [{ env: "prod", environment: "dev" }, "development"], // `environment` wins over `env`
    [{ environment: "stg", env: "prod" }, "staging"],
    [{ Environment: "dev", stage: "prod" }, "development"], // and `env`/`environment` over `stage`
    [{ stage: "test", env: "live" }, "production"],
    [{ env: "something-else" }, null],
    [{ env: "blue" }, null],
    [{ team: "payments" }, null],
    [{}, null],
  ])("%j → %s", (tags, expected) => {
    expect(environmentFromTags(tags)).toBe(expected);
  });
});

describe("weddingCriticalFromTags", () => {
  it.each([
    [{ "wedding-critical": "true" }, true],
    [{ wedding_critical: "YES" }, true],
    [{ WeddingCritical: "1" }, true],
    [{ "wedding-critical": " y " }, true],
    [{ "wedding-critical": "false" }, false],
    [{ "wedding-critical": "no" }, false],
    [{ team: "x" }, null],
    [{}, null],
  ])("%j → %s", (tags, expected) => {
    expect(weddingCriticalFromTags(tags)).toBe(expected);
  });
});
