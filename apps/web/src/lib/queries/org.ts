import type { OrgAnswer } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { orgQueryKey } from "@/lib/query-keys";

export function getOrg(orgId: string, signal?: AbortSignal): Promise<OrgAnswer> {
  return api.get<OrgAnswer>(orgApiPath(orgId), { signal });
}

export function orgQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: orgQueryKey(orgId),
    queryFn: ({ signal }) => getOrg(orgId, signal),
  });
}

export function useOrg(orgId: string) {
  return useQuery(orgQueryOptions(orgId));
}
