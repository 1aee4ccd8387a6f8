import type { LoginBody, SessionAnswer } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { meQueryKey } from "@/lib/query-keys";

export function signIn(body: LoginBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>("/api/auth/login", body, { expectUnauthenticated: true });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      queryClient.removeQueries();
      queryClient.setQueryData(meQueryKey, session);
    },
  });
}
