import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { getConfig } from "@/lib/config/env";

/**
 * The SSRF guard. A webhook URL is a request the hub makes on a user's
 * behalf, so it must not reach the hub itself or anything on its private
 * network (cloud metadata at 169.254.169.254, a database on 10.0.0.5, an
 * admin port on 127.0.0.1). The check runs when a webhook is registered or
 * changed AND before every delivery attempt, and the delivery connects to the
 * very address that was checked (see connectLookup), so a DNS answer that
 * changes between check and connect (DNS rebinding) cannot slip through.
 * WEBHOOK_ALLOW_PRIVATE_TARGETS=true turns the guard off.
 */
export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

const blocked = new BlockList();
// IPv4: "this network" and unspecified, private, shared (CGNAT), loopback,
// link-local, IETF protocol assignments, documentation and benchmarking nets,
// multicast, reserved and broadcast.
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
// IPv6: unspecified, loopback, unique local, link-local, site-local
// (deprecated), multicast, documentation. BlockList also applies the IPv4
// rules to IPv4-mapped addresses (::ffff:127.0.0.1).
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** Whether an address is one a webhook may never reach (without the override). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return blocked.check(address, "ipv4");
  if (blocked.check(address, "ipv6")) return true;
  // Addresses that embed an IPv4 address: NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
  const embedded = embeddedIpv4(address);
  return embedded !== null && blocked.check(embedded, "ipv4");
}

function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const toV4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return toV4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return toV4(groups[1]!, groups[2]!);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const octets = v4[1]!.split(".").map(Number);
    text = `${text.slice(0, -v4[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = text.includes("::") ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(Math.max(fill, 0)).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefusedError";
  }
}

function normalizeHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

/**
 * Checks a webhook URL and returns the address to connect to. Throws
 * TargetRefusedError with a reason a user can act on.
 */
export async function checkTarget(url: string | URL, options: { resolver?: Resolver } = {}): Promise<ResolvedAddress> {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw new TargetRefusedError("is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TargetRefusedError("must use http or https");
  if (parsed.username || parsed.password) throw new TargetRefusedError("must not contain credentials; authenticate with the signature instead");
  const host = normalizeHost(parsed.hostname);
  if (!host) throw new TargetRefusedError("has no host");

  const resolver = options.resolver ?? systemResolver;
  const addresses = await resolve(host, resolver);
  const config = getConfig();
  if (config.WEBHOOK_ALLOW_PRIVATE_TARGETS) return addresses[0]!;

  // Refuse if ANY answer is private: a name with one public and one private
  // answer would otherwise reach the private one on some attempts.
  const bad = addresses.find((answer) => isPrivateAddress(answer.address));
  if (bad) {
    const which = isIP(host) ? "is" : `resolves to ${bad.address}, which is`;
    throw new TargetRefusedError(`${which} a loopback, private or link-local address; webhooks may not target internal networks`);
  }
  if (config.PUBLIC_URL) {
    const hub = normalizeHost(new URL(config.PUBLIC_URL).hostname);
    if (host === hub) throw new TargetRefusedError("points at this hub; webhooks may not call the hub itself");
    const hubAddresses = await resolve(hub, resolver).catch(() => [] as ResolvedAddress[]);
    if (addresses.some((answer) => hubAddresses.some((own) => own.address === answer.address))) {
      throw new TargetRefusedError("resolves to this hub's own address; webhooks may not call the hub itself");
    }
  }
  return addresses[0]!;
}

async function resolve(host: string, resolver: Resolver): Promise<ResolvedAddress[]> {
  const literal = isIP(host);
  if (literal) return [{ address: host, family: literal === 6 ? 6 : 4 }];
  let answers: ResolvedAddress[];
  try {
    answers = await resolver(host);
  } catch {
    throw new TargetRefusedError(`host ${host} does not resolve`);
  }
  if (answers.length === 0) throw new TargetRefusedError(`host ${host} does not resolve`);
  return answers;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * A `lookup` for node:http(s).request that answers with the address already
 * checked, so the connection goes exactly there. TLS still verifies the
 * certificate against the URL's host name.
 */
export function connectLookup(target: ResolvedAddress) {
  return (_hostname: string, options: { all?: boolean } | number | undefined, callback: LookupCallback): void => {
    if (typeof options === "object" && options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}
