import type { PendingInviteAnswer } from "@keyward/shared";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmMutationDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { LoadError } from "@/components/ui/load-error";
import { PageLoader } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import { formatDateTime, formatRelative } from "@/lib/format";
import { inviteLink } from "../api/create-invite";
import { useInvites, useRenewInvite, useRevokeInvite } from "../api/invites";

export function PendingInvites({ orgId }: { orgId: string }) {
  const invites = useInvites(orgId);
  const renew = useRenewInvite(orgId);
  const revoke = useRevokeInvite(orgId);
  const toast = useToast();
  const [toRevoke, setToRevoke] = useState<PendingInviteAnswer | null>(null);

  if (invites.isPending) return <PageLoader label="Loading invites" />;
  if (invites.isError) {
    return (
      <LoadError
        title="Could not load invites"
        error={invites.error}
        onRetry={() => invites.refetch()}
      />
    );
  }
  if (invites.data.length === 0) {
    return <p className="card__body text-muted">No pending invites.</p>;
  }

  return (
    <>
      <p className="card__body text-muted">
        Keyward keeps only a hash of each link, so it can’t show one again: “Copy new link” makes a
        fresh link and copies it, and the earlier link stops working.
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Pending invites</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <th scope="col" className="table__actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.data.map((invite) => (
              <tr key={invite.id} data-invite-email={invite.email}>
                <td className="member-cell__email">{invite.email}</td>
                <td>{invite.role === "admin" ? "Admin" : "Member"}</td>
                <td>{invite.invitedBy.name}</td>
                <td>
                  <time dateTime={invite.expiresAt} title={formatDateTime(invite.expiresAt)}>
                    {formatRelative(invite.expiresAt)}
                  </time>
                </td>
                <td className="table__actions">
                  <div className="table__actions-inner">
                    <CopyButton
                      label="Copy new link"
                      accessibleLabel={`Copy new link for ${invite.email}`}
                      text={async () => {
                        try {
                          const answer = await renew.mutateAsync(invite.id);
                          return inviteLink(answer, window.location.origin);
                        } catch (error) {
                          toast.show(errorMessage(error), "danger");
                          throw error;
                        }
                      }}
                    />
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Revoke the invite for ${invite.email}`}
                      onClick={() => {
                        revoke.reset();
                        setToRevoke(invite);
                      }}
                    >
                      Revoke
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmMutationDialog
        target={toRevoke}
        mutation={revoke}
        variables={(invite) => invite.id}
        doneMessage={(invite) => `Invite for ${invite.email} revoked`}
        onClose={() => setToRevoke(null)}
        title={`Revoke the invite for ${toRevoke?.email ?? ""}?`}
        confirmLabel="Revoke invite"
      >
        The link stops working at once. You can invite {toRevoke?.email} again later.
      </ConfirmMutationDialog>
    </>
  );
}
