import type { OrgMembershipSummary, SessionAnswer } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { meQueryKey } from "@/lib/query-keys";

export function getMe(signal?: AbortSignal): Promise<SessionAnswer> {
  return api.get<SessionAnswer>("/api/me", { signal });
}

export function meQueryOptions() {
  return queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe(signal),
    staleTime: 60_000,
    // Rights and the org's policy decide every control: a change shows on the next focus.
    refetchOnWindowFocus: "always",
  });
}

export function useMe() {
  return useQuery(meQueryOptions());
}

/** The caller's membership in one org, from `GET /api/me`. */
export function useMembership(orgId: string | undefined): OrgMembershipSummary | undefined {
  const { data } = useMe();
  return data?.orgs.find((org) => org.id === orgId);
}
