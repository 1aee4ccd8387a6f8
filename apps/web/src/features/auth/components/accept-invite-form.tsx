import { acceptInviteBodySchema, type SessionAnswer } from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { useAcceptInvite } from "../api/accept-invite";
import type { InvitePreview } from "../api/get-invite";

/** A new person joins: the account takes the invited email, they choose name and password. */
export function AcceptInviteForm({
  token,
  invite,
  onAccepted,
}: {
  token: string;
  invite: InvitePreview;
  onAccepted: (session: SessionAnswer) => void;
}) {
  const accept = useAcceptInvite(token);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const serverErrors = isApiError(accept.error) ? accept.error.fieldErrors : {};
  const nameError = describeFieldError("Name", clientErrors.name ?? serverErrors.name);
  const passwordError = describeFieldError(
    "Password",
    clientErrors.password ?? serverErrors.password,
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = acceptInviteBodySchema.safeParse({ name, password });
    if (!parsed.success) {
      setClientErrors(zodFieldErrors(parsed.error));
      return;
    }
    setClientErrors({});
    accept.mutate(parsed.data, { onSuccess: onAccepted });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {accept.isError && !nameError && !passwordError ? (
        <Alert tone="danger">{errorMessage(accept.error)}</Alert>
      ) : null}
      <TextField label="Email" type="email" value={invite.email} readOnly name="email" />
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={nameError}
      />
      <TextField
        label="Choose a password"
        type="password"
        name="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={passwordError}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={accept.isPending}>
        Join {invite.orgName}
      </Button>
    </form>
  );
}

/** A signed-in user whose email matches joins as they are. */
export function AcceptInviteAsMember({
  token,
  invite,
  onAccepted,
}: {
  token: string;
  invite: InvitePreview;
  onAccepted: (session: SessionAnswer) => void;
}) {
  const accept = useAcceptInvite(token);
  return (
    <div className="stack">
      {accept.isError ? <Alert tone="danger">{errorMessage(accept.error)}</Alert> : null}
      <Button
        variant="primary"
        className="btn--block"
        isLoading={accept.isPending}
        onClick={() => accept.mutate({}, { onSuccess: onAccepted })}
      >
        Join {invite.orgName}
      </Button>
    </div>
  );
}
