import { signupBodySchema } from "@keyward/shared";
import type { ChangeEvent, FormEvent } from "react";
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
  const fieldError = (field: keyof typeof LABELS) => form.fieldError(field, LABELS[field]);
  const set = (field: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) =>
    form.setValue(field, event.target.value);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = form.validate(signupBodySchema, values);
    if (body) signUp.mutate(body, { onSuccess: (s) => onSignedUp(s.orgs.map((o) => o.id)) });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <TextField
        label={LABELS.name}
        name="name"
        autoComplete="name"
        value={values.name}
        onChange={set("name")}
        error={fieldError("name")}
      />
      <TextField
        label={LABELS.email}
        type="email"
        name="email"
        autoComplete="email"
        value={values.email}
        onChange={set("email")}
        error={fieldError("email")}
      />
      <TextField
        label={LABELS.password}
        type="password"
        name="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        value={values.password}
        onChange={set("password")}
        error={fieldError("password")}
      />
      <TextField
        label={LABELS.orgName}
        name="orgName"
        autoComplete="organization"
        hint="Your team or company. You can invite people to it later."
        value={values.orgName}
        onChange={set("orgName")}
        error={fieldError("orgName")}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={signUp.isPending}>
        Create account
      </Button>
    </form>
  );
}
