import ipaddr from "ipaddr.js";
import { z } from "zod";
import { hasNul, isEventName, MAX_EVENT_NAME_LENGTH } from "./event-name.js";

export const MAX_ALLOWED_ORIGINS = 20;
export const MAX_ALLOWED_IPS = 20;
export const MAX_ALLOWED_EVENT_NAMES = 50;
const MAX_ORIGIN_LENGTH = 300;
const MAX_IP_LENGTH = 100;

type Normalised = { value: string } | { error: string };

const WILDCARD = "*.";
const ORIGIN_SHAPE = "must be an origin such as https://app.example.com or https://*.example.com";

/**
 * `scheme://host[:port]` as browsers send it in `Origin` (lower case, default port left out);
 * `scheme://*.domain[:port]` stands for every subdomain of `domain` (not `domain` itself).
 */
export function normaliseOrigin(input: string): Normalised {
  const match = /^(https?):\/\/(\*\.)?(.*)$/i.exec(input);
  if (!match) return { error: ORIGIN_SHAPE };
  const [, scheme = "", wildcard, rest = ""] = match;
  let url: URL;
  try {
    url = new URL(`${scheme}://${rest}`);
  } catch {
    return { error: ORIGIN_SHAPE };
  }
  if (url.username || url.password) return { error: "must not hold a user name or password" };
  if (!/^[^/?#]*\/?$/.test(rest) || url.search || url.hash) {
    return { error: "must be an origin only: no path, query or fragment" };
  }
  if (wildcard) {
    if (!url.hostname.includes(".") || url.hostname.startsWith("[") || isIpLiteral(url.hostname)) {
      return {
        error: "a wildcard must stand before a domain with a dot, e.g. https://*.example.com",
      };
    }
  }
  return { value: `${url.protocol}//${wildcard ? WILDCARD : ""}${url.host}` };
}

function isIpLiteral(hostname: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(hostname);
}

/** An IPv4/IPv6 address, or a CIDR range written as its network address (`10.0.0.0/8`). */
export function normaliseIp(input: string): Normalised {
  const [address = "", prefix, ...extra] = input.split("/");
  if (extra.length > 0) return { error: "must be an IP address or a CIDR range" };
  const parsed = parseStrictAddress(address);
  if (!parsed)
    return { error: "must be an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8" };
  if (prefix === undefined) return { value: parsed.toString() };
  const bits = parsed.kind() === "ipv4" ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return { error: `the prefix length must be 0–${bits}` };
  }
  const network =
    parsed.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${parsed.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/${prefix}`);
  return { value: `${network.toString()}/${Number(prefix)}` };
}

/** Dotted-quad IPv4 or IPv6 without a zone; IPv4-mapped IPv6 counts as the IPv4 it maps. */
export function parseStrictAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address);
  if (!address.includes(":") || !ipaddr.IPv6.isValid(address)) return null;
  const v6 = ipaddr.IPv6.parse(address);
  if (v6.zoneId) return null;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** An exact event name, or a prefix followed by one trailing `*` (`checkout_*`). */
export function normaliseEventNamePattern(input: string): Normalised {
  const prefix = input.endsWith("*") ? input.slice(0, -1) : input;
  if (prefix.includes("*")) return { error: "may hold `*` only at its end, as a prefix" };
  if (prefix === "") return { error: "must name an event or a prefix before `*`" };
  if (hasNul(input) || !isEventName(prefix)) {
    return { error: `must be 1–${MAX_EVENT_NAME_LENGTH} characters without NUL` };
  }
  return { value: input };
}

/** Whether `eventName` is one of `patterns` (exact) or starts with one's prefix. */
export function isEventNameAllowed(patterns: readonly string[], eventName: string): boolean {
  for (const pattern of patterns) {
    if (pattern.endsWith("*") ? eventName.startsWith(pattern.slice(0, -1)) : eventName === pattern)
      return true;
  }
  return false;
}

const entry = (max: number, normalise: (s: string) => Normalised) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .transform((s, ctx) => {
      const result = normalise(s);
      if ("error" in result) {
        ctx.issues.push({ code: "custom", message: result.error, input: s });
        return z.NEVER;
      }
      return result.value;
    });

/** A list of entries, de-duplicated after normalisation; an empty list or null sets none. */
const entryList = (what: string, max: number, item: z.ZodType<string, string>) =>
  z
    .array(item)
    .max(max, { message: `must hold at most ${max} ${what}` })
    .transform((list) => [...new Set(list)])
    .nullable()
    .optional();

export const keyRestrictionsBodySchema = z
  .strictObject({
    allowedOrigins: entryList(
      "origins",
      MAX_ALLOWED_ORIGINS,
      entry(MAX_ORIGIN_LENGTH, normaliseOrigin),
    ),
    allowedIps: entryList(
      "addresses or ranges",
      MAX_ALLOWED_IPS,
      entry(MAX_IP_LENGTH, normaliseIp),
    ),
    allowedEventNames: entryList(
      "names",
      MAX_ALLOWED_EVENT_NAMES,
      entry(MAX_EVENT_NAME_LENGTH * 2, normaliseEventNamePattern),
    ),
    rateLimitPerSecond: z
      .number()
      .int({ message: "must be a whole number" })
      .min(1, { message: "must be at least 1" })
      .nullable()
      .optional(),
  })
  .meta({
    id: "KeyRestrictionsInput",
    description:
      "Where and how a key may be used. Each field given replaces that restriction; null or [] removes it; fields left out keep their value.",
  });
export type KeyRestrictionsBody = z.input<typeof keyRestrictionsBodySchema>;
export type KeyRestrictionsInput = z.output<typeof keyRestrictionsBodySchema>;

export const keyRestrictionsSchema = z
  .object({
    allowedOrigins: z.array(z.string()).meta({
      description:
        "Web origins whose pages may call /v1 with this key; empty: no browser origin may.",
      example: ["https://app.example.com", "https://*.example.com"],
    }),
    allowedIps: z.array(z.string()).meta({
      description: "Client addresses or CIDR ranges; empty: any.",
      example: ["203.0.113.0/24"],
    }),
    allowedEventNames: z.array(z.string()).meta({
      description: "Event names this key may send, exact or `prefix*`; empty: any.",
      example: ["page_view", "checkout_*"],
    }),
    rateLimitPerSecond: z.number().int().nullable().meta({
      description: "This key's own limit, at most the org's; null: the org's.",
    }),
  })
  .meta({ id: "KeyRestrictions" });
export type KeyRestrictions = z.infer<typeof keyRestrictionsSchema>;

export const NO_RESTRICTIONS: KeyRestrictions = {
  allowedOrigins: [],
  allowedIps: [],
  allowedEventNames: [],
  rateLimitPerSecond: null,
};

/** `current` with the fields `input` gives replaced (null and [] remove a restriction). */
export function mergeRestrictions(
  current: KeyRestrictions,
  input: KeyRestrictionsInput | null | undefined,
): KeyRestrictions {
  if (input === null) return NO_RESTRICTIONS;
  if (input === undefined) return current;
  const list = (next: string[] | null | undefined, before: string[]) =>
    next === undefined ? before : (next ?? []);
  return {
    allowedOrigins: list(input.allowedOrigins, current.allowedOrigins),
    allowedIps: list(input.allowedIps, current.allowedIps),
    allowedEventNames: list(input.allowedEventNames, current.allowedEventNames),
    rateLimitPerSecond:
      input.rateLimitPerSecond === undefined
        ? current.rateLimitPerSecond
        : input.rateLimitPerSecond,
  };
}

export function isRestricted(r: KeyRestrictions): boolean {
  return (
    r.allowedOrigins.length > 0 ||
    r.allowedIps.length > 0 ||
    r.allowedEventNames.length > 0 ||
    r.rateLimitPerSecond !== null
  );
}
