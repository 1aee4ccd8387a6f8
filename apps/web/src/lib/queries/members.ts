import type { MemberAnswer } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { membersQueryKey } from "@/lib/query-keys";

export function getMembers(orgId: string, signal?: AbortSignal): Promise<MemberAnswer[]> {
  return api.get<MemberAnswer[]>(orgApiPath(orgId, "members"), { signal });
}

export function membersQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: membersQueryKey(orgId),
    queryFn: ({ signal }) => getMembers(orgId, signal),
  });
}

export function useMembers(orgId: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...membersQueryOptions(orgId), enabled: options.enabled ?? true });
}
