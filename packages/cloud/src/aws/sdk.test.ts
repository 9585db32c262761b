import { describe, expect, it } from "vitest";
import { awsSdk } from "./sdk.ts";

describe("awsSdk", () => {
  it("gives the same module an import does (one CommonJS cache), so clients and commands mix freely", async () => {
    const required = awsSdk("@aws-sdk/client-sts");
    const imported = await import("@aws-sdk/client-sts");
    expect(required.STSClient).toBe(imported.STSClient);
    expect(required.AssumeRoleCommand).toBe(imported.AssumeRoleCommand);
  });

  it("loads a package once: later calls return the cached module", () => {
    expect(awsSdk("@aws-sdk/client-ec2")).toBe(awsSdk("@aws-sdk/client-ec2"));
  });
});
