import type {
  KeyUsageAnswer,
  KeyUsageInterval,
  KeyUsageSummariesAnswer,
  KeyUsageSummary,
} from "@keyward/shared";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";

/** Counts are written every second; the table's series refresh on this beat. */
const USAGE_REFRESH_MS = 30_000;

export type UsageRange = "1h" | "24h" | "7d" | "30d";

export const USAGE_RANGES: Record<
  UsageRange,
  { label: string; ms: number; interval: KeyUsageInterval }
> = {
  "1h": { label: "1 h", ms: 3_600_000, interval: "minute" },
  "24h": { label: "24 h", ms: 86_400_000, interval: "hour" },
  "7d": { label: "7 d", ms: 7 * 86_400_000, interval: "hour" },
  "30d": { label: "30 d", ms: 30 * 86_400_000, interval: "day" },
};

/** Not under the keys list's query key: key mutations rewrite every query there as a list page. */
const usageQueryKey = (orgId: string) => ["orgs", orgId, "key-usage"] as const;

export function getKeyUsageSummaries(
  orgId: string,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<KeyUsageSummariesAnswer> {
  return api.get<KeyUsageSummariesAnswer>(orgApiPath(orgId, "keys", "usage"), {
    signal,
    query: { ids: ids.join(",") },
  });
}

export function keyUsageSummariesQueryOptions(orgId: string, ids: readonly string[]) {
  return queryOptions({
    queryKey: [...usageQueryKey(orgId), "summaries", ids] as const,
    queryFn: ({ signal }) => getKeyUsageSummaries(orgId, ids, signal),
    enabled: ids.length > 0,
    refetchInterval: USAGE_REFRESH_MS,
    placeholderData: keepPreviousData,
    select: (answer) => new Map(answer.items.map((item) => [item.keyId, item])),
  });
}

/** The last 24 h of each listed key, in one request per page of 100 keys. */
export function useKeyUsageSummaries(
  orgId: string,
  ids: readonly string[],
): ReadonlyMap<string, KeyUsageSummary> | undefined {
  const first = ids.slice(0, 100);
  return useQuery(keyUsageSummariesQueryOptions(orgId, first)).data;
}

export function getKeyUsage(
  orgId: string,
  keyId: string,
  range: UsageRange,
  now: number,
  signal?: AbortSignal,
): Promise<KeyUsageAnswer> {
  const { ms, interval } = USAGE_RANGES[range];
  return api.get<KeyUsageAnswer>(orgApiPath(orgId, "keys", keyId, "usage"), {
    signal,
    query: { interval, from: new Date(now - ms).toISOString(), to: new Date(now).toISOString() },
  });
}

export function keyUsageQueryOptions(orgId: string, keyId: string, range: UsageRange) {
  return queryOptions({
    queryKey: [...usageQueryKey(orgId), keyId, range] as const,
    queryFn: ({ signal }) => getKeyUsage(orgId, keyId, range, Date.now(), signal),
    placeholderData: keepPreviousData,
  });
}

export function useKeyUsage(orgId: string, keyId: string, range: UsageRange) {
  return useQuery(keyUsageQueryOptions(orgId, keyId, range));
}
