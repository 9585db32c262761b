import { describe, expect, it } from "vitest";
import { KeyringError, createKeyring, generateKey, parseKeyring } from "./keyring.ts";

const k1 = generateKey();
const k2 = generateKey();

describe("keyring", () => {
  it("seals and opens, with a fresh nonce every time", () => {
    const ring = parseKeyring(`a:${k1}`);
    const secret = { clientSecret: "s3cr3t-value" };
    const one = ring.seal(secret);
    const two = ring.seal(secret);
    expect(one.iv).not.toBe(two.iv);
    expect(one.data).not.toBe(two.data);
    expect(JSON.stringify(one)).not.toContain("s3cr3t-value");
    expect(ring.open(one)).toEqual(secret);
    expect(one.kid).toBe("a");
  });

  it("opens envelopes of an older key while it is still listed, and seals with the first", () => {
    const old = parseKeyring(`a:${k1}`).seal({ x: 1 });
    const rotated = parseKeyring(`b:${k2},a:${k1}`);
    expect(rotated.open(old)).toEqual({ x: 1 });
    expect(rotated.seal({ x: 2 }).kid).toBe("b");
  });

  it("refuses a tampered envelope", () => {
    const ring = parseKeyring(`a:${k1}`);
    const env = ring.seal({ x: 1 });
    const data = Buffer.from(env.data, "base64");
    data[0] = data[0]! ^ 1;
    expect(() => ring.open({ ...env, data: data.toString("base64") })).toThrow(/could not be opened/);
  });

  it.each([
    ["", /no encryption key/],
    [`:${k1}`, /needs an id/],
    ["a:c2hvcnQ=", /32 bytes/],
    [`a:${k1},a:${k2}`, /listed twice/],
  ])("rejects the spec %j with a message that says what to do", (spec, message) => {
    expect(() => parseKeyring(spec)).toThrow(message);
  });

  it("names a missing key and says how to fix it", () => {
    const env = parseKeyring(`gone:${k1}`).seal({});
    expect(() => parseKeyring(`a:${k2}`).open(env)).toThrow(/key "gone".*cloudsync keys rotate/);
    expect(() => createKeyring(new Map()).open({})).toThrow(KeyringError);
  });
});
