import type { OrgAnswer, UpdateOrgBody } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { meQueryKey, orgQueryKey } from "@/lib/query-keys";

export function updateOrg(orgId: string, body: UpdateOrgBody): Promise<OrgAnswer> {
  return api.patch<OrgAnswer>(orgApiPath(orgId), body);
}

export function useUpdateOrg(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (body: UpdateOrgBody) => updateOrg(orgId, body),
    write: (queryClient, org) => queryClient.setQueryData(orgQueryKey(orgId), org),
    // The org name shows in the switcher (from /api/me); the policy changes who may edit keys.
    invalidates: [meQueryKey, ["orgs", orgId]],
  });
}
