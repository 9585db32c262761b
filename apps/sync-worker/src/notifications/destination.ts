import { type LookupAddress, lookup as dnsLookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may not go unless the deployment allows it (docs/alerts.md, "Channels"): a
 * tenant configures the URL, and the worker POSTs from inside the network, so a URL that reaches
 * the worker's own host, the private network or a cloud's metadata service would let a tenant
 * probe them. Classes are checked with node's BlockList over the IANA special-purpose ranges.
 */
export const refusedClasses = ["metadata", "loopback", "private", "link_local", "shared", "unspecified", "multicast", "reserved"] as const;
export type RefusedClass = (typeof refusedClasses)[number];

const ranges: Record<RefusedClass, { v4: readonly [string, number][]; v6: readonly [string, number][] }> = {
  // The clouds' instance metadata services: AWS, Azure, GCP (169.254.169.254), AWS's IPv6
  // endpoint, Alibaba (100.100.100.200). Listed first so they are named for what they are.
  metadata: { v4: [["169.254.169.254", 32], ["100.100.100.200", 32]], v6: [["fd00:ec2::254", 128]] },
  loopback: { v4: [["127.0.0.0", 8]], v6: [["::1", 128]] },
  private: { v4: [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16]], v6: [["fc00::", 7]] },
  link_local: { v4: [["169.254.0.0", 16]], v6: [["fe80::", 10]] },
  // Carrier-grade NAT space: not the internet either.
  shared: { v4: [["100.64.0.0", 10]], v6: [] },
  unspecified: { v4: [["0.0.0.0", 8]], v6: [["::", 128]] },
  multicast: { v4: [["224.0.0.0", 4]], v6: [["ff00::", 8]] },
  // Benchmarking, documentation, future use and broadcast: never a real receiver.
  reserved: {
    v4: [["192.0.0.0", 24], ["192.0.2.0", 24], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["240.0.0.0", 4]],
    v6: [["2001:db8::", 32], ["100::", 64]],
  },
};

const lists = refusedClasses.map((name) => {
  const list = new BlockList();
  for (const [net, prefix] of ranges[name].v4) list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of ranges[name].v6) list.addSubnet(net, prefix, "ipv6");
  return [name, list] as const;
});

/**
 * The refused class of an IP address, or null for an ordinary public address. IPv6 forms that
 * carry an IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) are judged by it.
 */
export function addressClass(address: string): RefusedClass | null {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(ip);
  if (family === 0) return null;
  if (family === 6) {
    const embedded = embeddedIpv4(ip);
    if (embedded) return addressClass(embedded);
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [name, list] of lists) if (list.check(ip, type)) return name;
  return null;
}

/** The IPv4 address inside an IPv4-mapped or NAT64 (well-known prefix) IPv6 address. */
function embeddedIpv4(ip: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2] as string, 16);
  const lo = Number.parseInt(m[3] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

const classWords: Record<RefusedClass, string> = {
  metadata: "a cloud metadata service address",
  loopback: "a loopback address",
  private: "a private network address",
  link_local: "a link-local address",
  shared: "a carrier-grade NAT (shared) address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved address",
};

/** A destination the policy refuses: final (the configuration must change), never retried. */
export class RefusedDestinationError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: RefusedClass,
  ) {
    super(
      `refused to send to ${host}: ${host === address ? "it is" : `it resolves to ${address},`} ${classWords[addressClass]}. ` +
        "Point the channel at a public receiver, or, if this receiver is inside your network on purpose, " +
        "start the worker with CLOUDSYNC_ALERT_ALLOW_PRIVATE_DESTINATIONS=true (docs/alerts.md)",
    );
    this.name = "RefusedDestinationError";
  }
}

/** The IP literal of a URL's host, if it is one (`[::1]` → `::1`). */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) ? bare : null;
}

type Resolve = (hostname: string, options: { all: true; family?: number }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node's http(s).request that resolves the name and refuses it when any of its
 * addresses is in a refused class. The check happens on the addresses the socket then connects
 * to, so a name that resolves differently a moment later (DNS rebinding) gains nothing.
 */
export function guardedLookup(resolve: Resolve = dnsLookup as unknown as Resolve) {
  return (hostname: string, options: { all?: boolean; family?: number } | number | undefined, callback: LookupCallback): void => {
    const opts = typeof options === "object" && options !== null ? options : {};
    resolve(hostname, { all: true, ...(opts.family ? { family: opts.family } : {}) }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const refused = addressClass(a.address);
        if (refused) return callback(new RefusedDestinationError(hostname, a.address, refused) as NodeJS.ErrnoException, []);
      }
      if (opts.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} resolves to no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}
