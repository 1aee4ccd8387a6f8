import type { LoginBody, SessionAnswer } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { useSessionMutation } from "@/lib/mutations";

export function signIn(body: LoginBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>("/api/auth/login", body, { expectUnauthenticated: true });
}

export function useSignIn() {
  return useSessionMutation(signIn);
}
