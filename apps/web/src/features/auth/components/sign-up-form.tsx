import { signupBodySchema } from "@keyward/shared";
import type { FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { isApiError } from "@/lib/api-client";
import { serverFieldErrors } from "@/lib/form-errors";
import { useForm } from "@/lib/use-form";
import { useSignUp } from "../api/sign-up";

const LABELS = { name: "Name", email: "Email", password: "Password", orgName: "Organization name" };

export function SignUpForm({ onSignedUp }: { onSignedUp: (orgIds: string[]) => void }) {
  const signUp = useSignUp();
  const form = useForm({
    initialValues: { name: "", email: "", password: "", orgName: "" },
    serverError: signUp.error,
    fields: Object.keys(LABELS),
    serverFieldErrors: (error) =>
      isApiError(error) && error.status === 409
        ? { email: "An account with this email already exists. Sign in instead." }
        : serverFieldErrors(error),
  });
  const { values } = form;
  const text = (field: keyof typeof LABELS) => form.textProps(field, LABELS[field]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = form.validate(signupBodySchema, values);
    if (body) signUp.mutate(body, { onSuccess: (s) => onSignedUp(s.orgs.map((o) => o.id)) });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <TextField label={LABELS.name} autoComplete="name" {...text("name")} />
      <TextField label={LABELS.email} type="email" autoComplete="email" {...text("email")} />
      <TextField
        label={LABELS.password}
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        {...text("password")}
      />
      <TextField
        label={LABELS.orgName}
        autoComplete="organization"
        hint="Your team or company. You can invite people to it later."
        {...text("orgName")}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={signUp.isPending}>
        Create account
      </Button>
    </form>
  );
}
