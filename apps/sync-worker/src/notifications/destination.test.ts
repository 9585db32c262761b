import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressClass, guardedLookup, RefusedDestinationError } from "./destination.ts";
import { post } from "./webhook.ts";

describe("addressClass", () => {
  it.each([
    // IPv4
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.10", "private"],
    ["169.254.10.1", "link_local"],
    ["169.254.169.254", "metadata"],
    ["100.100.100.200", "metadata"],
    ["100.64.0.1", "shared"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.251", "multicast"],
    ["192.0.2.7", "reserved"],
    ["255.255.255.255", "reserved"],
    ["172.32.0.1", null],
    ["8.8.8.8", null],
    ["100.128.0.1", null],
    // IPv6
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fd12:3456::1", "private"],
    ["fc00::1", "private"],
    ["fe80::1%eth0", "link_local"],
    ["fd00:ec2::254", "metadata"],
    ["::", "unspecified"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2606:4700:4700::1111", null],
    // IPv4 inside IPv6
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["64:ff9b::10.0.0.1", "private"],
    ["::ffff:8.8.8.8", null],
    // not an address
    ["hooks.example", null],
  ])("%s → %s", (address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });
});

/** A resolver answering from a table, as DNS would for these names. */
const table: Record<string, LookupAddress[]> = {
  "public.example": [{ address: "93.184.216.34", family: 4 }],
  "internal.example": [{ address: "10.0.0.5", family: 4 }],
  "metadata.example": [{ address: "169.254.169.254", family: 4 }],
  "v6-local.example": [{ address: "fe80::1", family: 6 }],
  "v6-private.example": [{ address: "fd00::5", family: 6 }],
  // One public and one private answer: the name is refused, not half-trusted.
  "mixed.example": [
    { address: "93.184.216.34", family: 4 },
    { address: "192.168.0.9", family: 4 },
  ],
};
const resolve = (hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
  table[hostname] ? cb(null, table[hostname]) : cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);

function look(hostname: string, all: boolean): Promise<{ err: Error | null; address: unknown }> {
  return new Promise((done) => guardedLookup(resolve)(hostname, { all }, (err, address) => done({ err, address })));
}

describe("guardedLookup", () => {
  it("passes a name that resolves to public addresses, in either callback form", async () => {
    expect(await look("public.example", false)).toEqual({ err: null, address: "93.184.216.34" });
    expect(await look("public.example", true)).toEqual({ err: null, address: [{ address: "93.184.216.34", family: 4 }] });
  });

  it.each([
    ["internal.example", "10.0.0.5", "private"],
    ["metadata.example", "169.254.169.254", "metadata"],
    ["v6-local.example", "fe80::1", "link_local"],
    ["v6-private.example", "fd00::5", "private"],
    ["mixed.example", "192.168.0.9", "private"],
  ])("refuses %s (it resolves to %s, %s)", async (host, address, cls) => {
    const { err } = await look(host, true);
    expect(err).toBeInstanceOf(RefusedDestinationError);
    expect(err).toMatchObject({ host, address, addressClass: cls });
    expect(err?.message).toMatch(/CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS=true/);
  });

  it("passes a resolver error on unchanged (a network failure, retried)", async () => {
    expect((await look("nowhere.example", false)).err?.message).toMatch(/ENOTFOUND/);
  });
});

describe("post to a loopback receiver", () => {
  let server: Server;
  let port: number;
  let received = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    ["an IPv4 literal", () => `http://127.0.0.1:${port}/hook`],
    ["a name resolving to loopback", () => `http://localhost:${port}/hook`],
    ["an IPv6 literal", () => `http://[::1]:${port}/hook`],
    ["a metadata address", () => "http://169.254.169.254/latest/meta-data/"],
  ])("is refused by default for %s: final, nothing sent, and says what to do", async (_name, url) => {
    const before = received;
    const result = await post(url(), "{}", { "content-type": "application/json" }, { timeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: false, retryable: false, code: null });
    expect(result.ok === false && result.error).toMatch(/refused to send to .*(loopback|metadata).*CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS=true/);
    expect(received).toBe(before);
  });

  it("is delivered when the deployment allows private destinations", async () => {
    const before = received;
    const result = await post(`http://localhost:${port}/hook`, "{}", { "content-type": "application/json" }, { allowPrivateDestinations: true, timeoutMs: 2_000 });
    expect(result).toEqual({ ok: true, code: 200 });
    expect(received).toBe(before + 1);
  });
});
