import type { SessionAnswer, SignupBody } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { useSessionMutation } from "@/lib/mutations";

export function signUp(body: SignupBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>("/api/auth/signup", body);
}

export function useSignUp() {
  return useSessionMutation(signUp);
}
