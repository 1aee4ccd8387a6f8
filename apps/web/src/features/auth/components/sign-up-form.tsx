import { signupBodySchema } from "@keyward/shared";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { useSignUp } from "../api/sign-up";

const LABELS = { name: "Name", email: "Email", password: "Password", orgName: "Organization name" };

export function SignUpForm({ onSignedUp }: { onSignedUp: (orgIds: string[]) => void }) {
  const signUp = useSignUp();
  const [values, setValues] = useState({ name: "", email: "", password: "", orgName: "" });
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});

  const serverErrors: FieldErrors = isApiError(signUp.error)
    ? signUp.error.status === 409
      ? { email: "An account with this email already exists. Sign in instead." }
      : signUp.error.fieldErrors
    : {};
  const fieldError = (field: keyof typeof LABELS) =>
    describeFieldError(LABELS[field], clientErrors[field] ?? serverErrors[field]);
  const hasFieldError = Object.keys(serverErrors).some((f) => f in LABELS);

  const set = (field: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = signupBodySchema.safeParse(values);
    if (!parsed.success) {
      setClientErrors(zodFieldErrors(parsed.error));
      return;
    }
    setClientErrors({});
    signUp.mutate(parsed.data, { onSuccess: (s) => onSignedUp(s.orgs.map((o) => o.id)) });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {signUp.isError && !hasFieldError ? (
        <Alert tone="danger">{errorMessage(signUp.error)}</Alert>
      ) : null}
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
