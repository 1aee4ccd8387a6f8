import { createInviteBodySchema, type InviteAnswer, type Role } from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogBody, DialogFooter } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { errorMessage, isApiError } from "@/lib/api-client";
import { describeFieldError, type FieldErrors, zodFieldErrors } from "@/lib/form-errors";
import { formatDateTime } from "@/lib/format";
import { inviteLink, useCreateInvite } from "../api/create-invite";

export function InviteDialog({
  orgId,
  orgName,
  open,
  onClose,
}: {
  orgId: string;
  orgName: string;
  open: boolean;
  onClose: () => void;
}) {
  const createInvite = useCreateInvite(orgId);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [invite, setInvite] = useState<(InviteAnswer & { email: string }) | null>(null);

  const serverErrors = isApiError(createInvite.error) ? createInvite.error.fieldErrors : {};
  const emailError = describeFieldError("Email", clientErrors.email ?? serverErrors.email);
  const roleError = describeFieldError("Role", clientErrors.role ?? serverErrors.role);

  const reset = () => {
    setEmail("");
    setRole("member");
    setClientErrors({});
    setInvite(null);
    createInvite.reset();
  };
  const close = () => {
    reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = createInviteBodySchema.safeParse({ email, role });
    if (!parsed.success) {
      setClientErrors(zodFieldErrors(parsed.error));
      return;
    }
    setClientErrors({});
    createInvite.mutate(parsed.data, {
      onSuccess: (answer) => setInvite({ ...answer, email: parsed.data.email }),
    });
  };

  if (invite) {
    const link = inviteLink(invite, window.location.origin);
    return (
      <Dialog
        key="link"
        open={open}
        onClose={close}
        title="Invite link ready"
        description={`Send this link to ${invite.email}. No email is sent by Keyward.`}
      >
        <DialogBody>
          <div className="stack">
            <div className="stack stack--sm">
              <p className="field__label">Invite link</p>
              <div className="secret">
                <code className="secret__value" data-testid="invite-link">
                  {link}
                </code>
                <CopyButton text={link} accessibleLabel="Copy invite link" autoFocus />
              </div>
              <p className="field__hint">
                Works once, for {invite.email} only, until {formatDateTime(invite.expiresAt)}.
              </p>
            </div>
          </div>
        </DialogBody>
        <DialogFooter>
          <Button onClick={reset}>Invite another</Button>
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog
      key="form"
      open={open}
      onClose={close}
      title={`Invite to ${orgName}`}
      description="You get a one-time link to share; it is valid for 7 days."
    >
      <form onSubmit={submit} noValidate aria-label="Invite a member">
        <DialogBody>
          <div className="stack">
            {createInvite.isError && !emailError && !roleError ? (
              <Alert tone="danger">{errorMessage(createInvite.error)}</Alert>
            ) : null}
            <TextField
              label="Email"
              type="email"
              name="email"
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={emailError}
              data-autofocus=""
            />
            <SelectField
              label="Role"
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              error={roleError}
              hint={
                role === "admin"
                  ? "Admins manage members, settings and every key."
                  : "Members manage their own keys and, by policy, org-wide keys."
              }
            >
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </SelectField>
          </div>
        </DialogBody>
        <DialogFooter>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" isLoading={createInvite.isPending}>
            Create invite link
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
