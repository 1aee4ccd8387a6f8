import type { SessionAnswer } from "@keyward/shared";
import {
  type QueryClient,
  type QueryKey,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { meQueryKey } from "./query-keys";

export interface RefreshingMutationOptions<TData, TVariables> {
  mutationFn: (variables: TVariables) => Promise<TData>;
  /** The queries refetched after the mutation: the lists it changes. */
  invalidates: readonly QueryKey[];
  /** Refetch when the mutation fails too (a refused change may mean the page is out of date). */
  invalidateOnError?: boolean;
  /** The answer holds a secret (a key, an invite token): it must not linger in the mutation cache. */
  holdsSecret?: boolean;
  /** Writes the answer into the cache at once, before the refetch. */
  write?: (queryClient: QueryClient, data: TData) => void;
}

/** A mutation that refreshes what it changed; the caller's `mutate` waits for the refetch. */
export function useRefreshingMutation<TData, TVariables>({
  mutationFn,
  invalidates,
  invalidateOnError = false,
  holdsSecret = false,
  write,
}: RefreshingMutationOptions<TData, TVariables>) {
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  return useMutation({
    mutationFn,
    ...(holdsSecret ? { gcTime: 0 } : {}),
    ...(invalidateOnError
      ? { onSettled: refresh }
      : {
          onSuccess: (data: TData) => {
            write?.(queryClient, data);
            return refresh();
          },
        }),
  });
}

/** Signing in, up or by invite: a new caller, so nothing cached for the previous one is kept. */
export function useSessionMutation<TVariables>(
  mutationFn: (variables: TVariables) => Promise<SessionAnswer>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (session) => {
      queryClient.removeQueries();
      queryClient.setQueryData(meQueryKey, session);
    },
  });
}
