import { loginBodySchema } from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { errorMessage, isApiError } from "@/lib/api-client";
import { useSignIn } from "../api/sign-in";

function signInErrorMessage(error: unknown): string {
  if (isApiError(error) && error.status === 401) return "Wrong email or password.";
  return errorMessage(error);
}

export function SignInForm({ onSignedIn }: { onSignedIn: (orgIds: string[]) => void }) {
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!email.trim()) next.email = "Enter your email address.";
    if (!password) next.password = "Enter your password.";
    setErrors(next);
    if (next.email || next.password) return;
    const body = loginBodySchema.parse({ email, password });
    signIn.mutate(body, { onSuccess: (session) => onSignedIn(session.orgs.map((o) => o.id)) });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {signIn.isError ? <Alert tone="danger">{signInErrorMessage(signIn.error)}</Alert> : null}
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <TextField
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={signIn.isPending}>
        Sign in
      </Button>
    </form>
  );
}
