import { loginBodySchema } from "@keyward/shared";
import type { FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { errorMessage, isApiError } from "@/lib/api-client";
import { useForm } from "@/lib/use-form";
import { useSignIn } from "../api/sign-in";

function signInErrorMessage(error: unknown): string {
  if (isApiError(error) && error.status === 401) return "Wrong email or password.";
  return errorMessage(error);
}

export function SignInForm({ onSignedIn }: { onSignedIn: (orgIds: string[]) => void }) {
  const signIn = useSignIn();
  // A refused sign-in names no field (which one was wrong is not told): its message is the form's.
  const form = useForm({
    initialValues: { email: "", password: "" },
    serverError: signIn.error,
    fields: ["email", "password"],
    serverFieldErrors: () => ({}),
    formErrorMessage: signInErrorMessage,
  });
  const { email, password } = form.values;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = form.validate(loginBodySchema, form.values, {
      email: email.trim() ? undefined : "Enter your email address.",
      password: password ? undefined : "Enter your password.",
    });
    if (body) {
      signIn.mutate(body, { onSuccess: (session) => onSignedIn(session.orgs.map((o) => o.id)) });
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        {...form.textProps("email", "Email")}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        {...form.textProps("password", "Password")}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={signIn.isPending}>
        Sign in
      </Button>
    </form>
  );
}
