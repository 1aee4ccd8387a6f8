import { createInviteBodySchema, type InviteAnswer, type Role } from "@keyward/shared";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogBody, DialogFooter } from "@/components/ui/dialog";
import { SelectField, TextField } from "@/components/ui/field";
import { formatDateTime } from "@/lib/format";
import { useForm } from "@/lib/use-form";
import { inviteLink, useCreateInvite } from "../api/create-invite";

const INITIAL: { email: string; role: Role } = { email: "", role: "member" };

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
  const form = useForm({
    initialValues: INITIAL,
    serverError: createInvite.error,
    fields: ["email", "role"],
  });
  const { role } = form.values;
  const [invite, setInvite] = useState<(InviteAnswer & { email: string }) | null>(null);

  const reset = () => {
    form.reset(INITIAL);
    setInvite(null);
    createInvite.reset();
  };
  const close = () => {
    reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = form.validate(createInviteBodySchema, form.values);
    if (!body) return;
    createInvite.mutate(body, {
      onSuccess: (answer) => setInvite({ ...answer, email: body.email }),
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
            {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
            <TextField
              label="Email"
              type="email"
              autoComplete="off"
              {...form.textProps("email", "Email")}
              data-autofocus=""
            />
            <SelectField
              label="Role"
              name="role"
              value={role}
              onChange={(e) => form.setValue("role", e.target.value as Role)}
              error={form.fieldError("role", "Role")}
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
