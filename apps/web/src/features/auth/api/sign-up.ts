import type { SessionAnswer, SignupBody } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { meQueryKey } from "@/lib/query-keys";

export function signUp(body: SignupBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>("/api/auth/signup", body);
}

export function useSignUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signUp,
    onSuccess: (session) => {
      queryClient.removeQueries();
      queryClient.setQueryData(meQueryKey, session);
    },
  });
}
