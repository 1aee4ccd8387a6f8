import type { OrgAnswer, UpdateOrgBody } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { meQueryKey, orgQueryKey } from "@/lib/query-keys";

export function updateOrg(orgId: string, body: UpdateOrgBody): Promise<OrgAnswer> {
  return api.patch<OrgAnswer>(`/api/orgs/${encodeURIComponent(orgId)}`, body);
}

export function useUpdateOrg(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateOrgBody) => updateOrg(orgId, body),
    onSuccess: async (org) => {
      queryClient.setQueryData(orgQueryKey(orgId), org);
      // The org name shows in the switcher (from /api/me); the policy changes who may edit keys.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
        queryClient.invalidateQueries({ queryKey: ["orgs", orgId] }),
      ]);
    },
  });
}
