import { describe, expect, it } from "vitest";
import { legacyEnvelope } from "../../test/fixtures/legacy-envelope.ts";
import { KeyringError, createKeyring, generateKey, parseKeyring } from "./keyring.ts";

const k1 = generateKey();
const k2 = generateKey();
const here = { organizationId: "6f1d2c3b-0000-4000-8000-000000000001", providerId: "6f1d2c3b-0000-4000-8000-0000000000a1" };
const sameOrgOtherProvider = { ...here, providerId: "6f1d2c3b-0000-4000-8000-0000000000a2" };
const otherOrgSameProviderId = { ...here, organizationId: "6f1d2c3b-0000-4000-8000-000000000002" };

describe("keyring", () => {
  it("seals and opens, with a fresh nonce every time", () => {
    const ring = parseKeyring(`a:${k1}`);
    const secret = { clientSecret: "s3cr3t-value" };
    const one = ring.seal(secret, here);
    const two = ring.seal(secret, here);
    expect(one.iv).not.toBe(two.iv);
    expect(one.data).not.toBe(two.data);
    expect(JSON.stringify(one)).not.toContain("s3cr3t-value");
    expect(ring.open(one, here)).toEqual(secret);
    expect(one).toMatchObject({ v: 2, kid: "a" });
  });

  it("binds an envelope to its organization and provider: a copy opens nowhere else", () => {
    const ring = parseKeyring(`a:${k1}`);
    const sealed = ring.seal({ secret: "x" }, here);
    expect(() => ring.open(sealed, sameOrgOtherProvider)).toThrow(/could not be opened.*sealed for another provider/);
    expect(() => ring.open(sealed, otherOrgSameProviderId)).toThrow(/could not be opened/);
    // The binding is not stored in the envelope: nothing in it names the row.
    expect(JSON.stringify(sealed)).not.toContain(here.providerId);
    expect(JSON.stringify(sealed)).not.toContain(here.organizationId);
  });

  it("binds the key id too: an envelope relabelled with another listed key does not open", () => {
    const ring = parseKeyring(`a:${k1},b:${k1}`);
    const sealed = ring.seal({ x: 1 }, here);
    expect(() => ring.open({ ...sealed, kid: "b" }, here)).toThrow(/could not be opened/);
  });

  it("still opens a version 1 envelope (written before binding), wherever it is, for migration", () => {
    const ring = parseKeyring(`a:${k1}`);
    const legacy = legacyEnvelope("a", k1, { x: 1 });
    expect(ring.open(legacy, here)).toEqual({ x: 1 });
    // A version 1 envelope re-labelled as version 2 is not accepted: the version is authenticated.
    expect(() => ring.open({ ...legacy, v: 2 }, here)).toThrow(/could not be opened/);
  });

  it("opens envelopes of an older key while it is still listed, and seals with the first", () => {
    const old = parseKeyring(`a:${k1}`).seal({ x: 1 }, here);
    const rotated = parseKeyring(`b:${k2},a:${k1}`);
    expect(rotated.open(old, here)).toEqual({ x: 1 });
    expect(rotated.seal({ x: 2 }, here).kid).toBe("b");
  });

  it("refuses a tampered envelope", () => {
    const ring = parseKeyring(`a:${k1}`);
    const env = ring.seal({ x: 1 }, here);
    const data = Buffer.from(env.data, "base64");
    data[0] = data[0]! ^ 1;
    expect(() => ring.open({ ...env, data: data.toString("base64") }, here)).toThrow(/could not be opened/);
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
    const env = parseKeyring(`gone:${k1}`).seal({}, here);
    expect(() => parseKeyring(`a:${k2}`).open(env, here)).toThrow(/key "gone".*cloudsync keys rotate/);
    expect(() => createKeyring(new Map()).open({}, here)).toThrow(KeyringError);
  });
});
