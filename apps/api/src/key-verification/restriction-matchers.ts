import { isEventNameAllowed, type KeyRestrictions, parseStrictAddress } from "@keyward/shared";
import ipaddr from "ipaddr.js";

/** A key's restrictions, prepared once per cache entry so that checking them is cheap. */
export interface RestrictionMatchers {
  /** Null: any address. */
  ip: ((address: string | undefined) => boolean) | null;
  origin: (origin: string) => boolean;
  /** Null: any event name. */
  eventName: ((name: string) => boolean) | null;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function ipMatcher(entries: readonly string[]): RestrictionMatchers["ip"] {
  if (entries.length === 0) return null;
  const ranges: Range[] = entries.map((entry) => {
    if (entry.includes("/")) return ipaddr.parseCIDR(entry);
    const address = ipaddr.parse(entry);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  });
  return (raw) => {
    const address = raw === undefined ? null : parseStrictAddress(raw);
    if (!address) return false;
    return ranges.some(
      ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
    );
  };
}

/** `scheme://*.domain[:port]` matches `scheme://<one or more labels>.domain[:port]`. */
function originMatcher(entries: readonly string[]): RestrictionMatchers["origin"] {
  const exact = new Set<string>();
  const wildcards: { scheme: string; suffix: string }[] = [];
  for (const entry of entries) {
    const star = entry.indexOf("://*.");
    if (star === -1) exact.add(entry);
    else wildcards.push({ scheme: entry.slice(0, star + 3), suffix: entry.slice(star + 4) });
  }
  return (origin) => {
    if (exact.has(origin)) return true;
    return wildcards.some(({ scheme, suffix }) => {
      if (!origin.startsWith(scheme) || !origin.endsWith(suffix)) return false;
      const labels = origin.slice(scheme.length, origin.length - suffix.length);
      return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(labels);
    });
  };
}

export function restrictionMatchers(restrictions: KeyRestrictions): RestrictionMatchers {
  const names = restrictions.allowedEventNames;
  return {
    ip: ipMatcher(restrictions.allowedIps),
    origin: originMatcher(restrictions.allowedOrigins),
    eventName: names.length === 0 ? null : (name) => isEventNameAllowed(names, name),
  };
}
