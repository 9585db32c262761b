import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { createRequestHandler, createStsClient } from "../src/aws/clients.ts";
import { type AssumeRoleRequest, assumeRoleCredentials, stsAssumeRole } from "../src/aws/credentials.ts";

describe("assumed-role credentials", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ size: 10, sessionDurationSeconds: 3600 });
  });
  afterAll(() => emu.close());

  const stsFor = () =>
    createStsClient("us-east-1", emu.baseCredentials, {
      endpoint: emu.endpoint,
      maxAttempts: 2,
      timeoutMs: 5_000,
      requestHandler: createRequestHandler(5_000, false),
      limiter: undefined,
      signal: undefined,
    });
  const request: AssumeRoleRequest = {
    account: "222222222222",
    roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader",
    sessionName: "cloudsync-test",
    durationSeconds: 3600,
  };

  it("assumes the role once, shares it between concurrent callers, and renews it five minutes before expiry", async () => {
    let clock = Date.now();
    let calls = 0;
    const real = stsAssumeRole(stsFor());
    const provider = assumeRoleCredentials(
      async (r) => {
        calls += 1;
        return real(r);
      },
      request,
      { now: () => clock },
    );

    const [a, b] = await Promise.all([provider(), provider()]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(a.accessKeyId).toMatch(/^ASIA222222222222/);
    expect(a.sessionToken).toBeTruthy();
    const expiresAt = a.expiration?.getTime() as number;
    expect(expiresAt).toBeGreaterThan(clock + 55 * 60_000);

    clock = expiresAt - 6 * 60_000;
    expect(await provider()).toBe(a);
    expect(calls).toBe(1);

    clock = expiresAt - 4 * 60_000;
    const renewed = await provider();
    expect(calls).toBe(2);
    expect(renewed.accessKeyId).not.toBe(a.accessKeyId);
  });

  it("does not cache a refusal, so a fixed trust policy works on the next try", async () => {
    let refuse = true;
    const real = stsAssumeRole(stsFor());
    const provider = assumeRoleCredentials(async (r) => real(refuse ? { ...r, roleArn: "arn:aws:iam::999999999999:role/nobody" } : r), request);
    await expect(provider()).rejects.toMatchObject({ name: "AccessDenied" });
    refuse = false;
    await expect(provider()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA222222222222/) });
  });

  it("passes the ExternalId the role demands", async () => {
    const real = stsAssumeRole(stsFor());
    const target = { account: "333333333333", roleArn: "arn:aws:iam::333333333333:role/r", sessionName: "s", durationSeconds: 900 };
    await expect(real(target)).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(real({ ...target, externalId: "cloudsync-ext-333" })).resolves.toMatchObject({
      accessKeyId: expect.stringMatching(/^ASIA333333333333/),
    });
  });
});
