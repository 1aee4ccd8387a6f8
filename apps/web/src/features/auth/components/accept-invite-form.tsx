import {
  acceptInviteBodySchema,
  type InvitePreviewAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import type { FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { errorMessage } from "@/lib/api-client";
import { useForm } from "@/lib/use-form";
import { useAcceptInvite } from "../api/accept-invite";

interface AcceptInviteProps {
  token: string;
  invite: InvitePreviewAnswer;
  onAccepted: (session: SessionAnswer) => void;
}

/** A new person joins: the account takes the invited email, they choose name and password. */
export function AcceptInviteForm({ token, invite, onAccepted }: AcceptInviteProps) {
  const accept = useAcceptInvite(token);
  const form = useForm({
    initialValues: { name: "", password: "" },
    serverError: accept.error,
    fields: ["name", "password"],
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = form.validate(acceptInviteBodySchema, form.values);
    if (body) accept.mutate(body, { onSuccess: onAccepted });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <TextField label="Email" type="email" value={invite.email} readOnly name="email" />
      <TextField label="Your name" autoComplete="name" {...form.textProps("name", "Name")} />
      <TextField
        label="Choose a password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        {...form.textProps("password", "Password")}
      />
      <Button type="submit" variant="primary" className="btn--block" isLoading={accept.isPending}>
        Join {invite.orgName}
      </Button>
    </form>
  );
}

/** A signed-in user whose email matches joins as they are. */
export function AcceptInviteAsMember({ token, invite, onAccepted }: AcceptInviteProps) {
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
