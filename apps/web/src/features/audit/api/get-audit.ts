import type { AuditEventAnswer, Page } from "@keyward/shared";
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { cursorPages } from "@/lib/cursor-pages";
import { auditQueryKey } from "@/lib/query-keys";

export const AUDIT_PAGE_SIZE = 50;

/** Every audit list of an org (any filter) lives under this key. */
export interface AuditFilters {
  keyId: string | undefined;
}

export function getAudit(
  orgId: string,
  query: AuditFilters & { cursor?: string | undefined; limit?: number },
  signal?: AbortSignal,
): Promise<Page<AuditEventAnswer>> {
  return api.get<Page<AuditEventAnswer>>(orgApiPath(orgId, "audit"), {
    signal,
    query: { keyId: query.keyId, cursor: query.cursor, limit: query.limit ?? AUDIT_PAGE_SIZE },
  });
}

export function auditQueryOptions(orgId: string, filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: [...auditQueryKey(orgId), "list", filters] as const,
    ...cursorPages((cursor, signal) => getAudit(orgId, { ...filters, cursor }, signal)),
    // A log: every visit shows what happened up to now.
    staleTime: 0,
  });
}

export function useAudit(orgId: string, filters: AuditFilters) {
  return useInfiniteQuery(auditQueryOptions(orgId, filters));
}
