/**
 * Partner payloads name the urls we download media from, so a forged or careless payload could
 * point us at our own network (127.0.0.1, 10.x, the cloud metadata address 169.254.169.254...).
 * This dispatcher connects only to public unicast addresses: the check runs on the address the
 * socket actually connects to (inside the DNS lookup), so a name that resolves to a private
 * address, or changes its answer between a check and the connect, is refused too.
 */
import dns from "node:dns";
import type { LookupAddress } from "node:dns";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";

/** The error code a refused address carries, so callers can classify it as permanent. */
export const PRIVATE_ADDRESS = "ERR_PRIVATE_ADDRESS";

/** True for an address on the public internet; loopback, private, link-local, CGNAT, multicast and reserved ranges are not. */
export function isPublicAddress(address: string): boolean {
  const literal = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(literal)) return false;
  let ip = ipaddr.parse(literal);
  if (ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) ip = ip.toIPv4Address();
  return ip.range() === "unicast";
}

/** True when the url's host is an IP literal (no DNS lookup happens for it, so it is checked by itself). */
export function isIpLiteral(hostname: string): boolean {
  const literal = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(literal);
}

function refused(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${hostname} resolves to an address that is not public`);
  err.code = PRIVATE_ADDRESS;
  return err;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, keeping only public addresses; none left is an error with code ERR_PRIVATE_ADDRESS. */
function publicLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed = addresses.filter((a) => isPublicAddress(a.address));
    // Every address must be public: a name with one private answer is not a partner's CDN.
    if (allowed.length === 0 || allowed.length !== addresses.length) return callback(refused(hostname), []);
    if (options.all) return callback(null, allowed);
    const first = allowed[0]!;
    callback(null, first.address, first.family);
  });
}

/** An undici dispatcher that connects to public addresses only. */
export function publicOnlyDispatcher(): Agent {
  return new Agent({ connect: { lookup: publicLookup as never } });
}
