import { useState } from "react";
import { useParams } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { UserPlusIcon } from "@/components/ui/icons";
import { LoadError } from "@/components/ui/load-error";
import { PageLoader } from "@/components/ui/spinner";
import { InviteDialog } from "@/features/members/components/invite-dialog";
import { MembersTable } from "@/features/members/components/members-table";
import { PendingInvites } from "@/features/members/components/pending-invites";
import { OrgSettingsForm } from "@/features/orgs/components/org-settings-form";
import { errorMessage } from "@/lib/api-client";
import { useMe, useMembership } from "@/lib/queries/me";
import { useMembers } from "@/lib/queries/members";
import { useOrg } from "@/lib/queries/org";
import { useDocumentTitle } from "@/lib/use-document-title";

export function MembersPage() {
  const { orgId = "" } = useParams();
  const me = useMe();
  const membership = useMembership(orgId);
  const isAdmin = Boolean(membership?.capabilities.manageMembers);
  useDocumentTitle("Members & settings", membership?.name);
  const org = useOrg(orgId);
  const members = useMembers(orgId, { enabled: isAdmin });
  const [inviteOpen, setInviteOpen] = useState(false);

  if (!isAdmin) {
    return (
      <>
        <div className="page-header">
          <h1 className="page-header__title">Members &amp; settings</h1>
        </div>
        <Alert tone="info" title="Admins only">
          Only admins of this organization can manage members and settings.
        </Alert>
      </>
    );
  }

  const orgName = org.data?.name ?? membership?.name ?? "";

  return (
    <>
      <div className="page-header">
        <div>
          <h1 className="page-header__title">Members &amp; settings</h1>
          <p className="page-header__description">
            Who belongs to {orgName}, what they may do with keys, and the org-wide key policy.
          </p>
        </div>
      </div>
      <div className="section-grid">
        <Card
          id="members-title"
          title="Members"
          description="Admins hold every right. Grant members the right to manage org-wide keys (when the policy is restricted) or other members’ personal keys."
          action={
            <Button variant="primary" icon={<UserPlusIcon />} onClick={() => setInviteOpen(true)}>
              Invite
            </Button>
          }
        >
          {members.isPending ? (
            <PageLoader label="Loading members" />
          ) : members.isError ? (
            <LoadError
              title="Could not load members"
              error={members.error}
              onRetry={() => members.refetch()}
            />
          ) : (
            <MembersTable
              orgId={orgId}
              orgName={orgName}
              members={members.data}
              currentUserId={me.data?.user.id}
            />
          )}
        </Card>

        <Card
          id="invites-title"
          title="Pending invites"
          description="Invites not yet accepted. Each link works once, for its email only."
        >
          <PendingInvites orgId={orgId} />
        </Card>

        <Card
          id="settings-title"
          title="Settings"
          description="The organization’s name, key policy and key lifetime."
        >
          <div className="card__body">
            {org.isPending ? (
              <PageLoader label="Loading settings" />
            ) : org.isError ? (
              <Alert tone="danger">{errorMessage(org.error)}</Alert>
            ) : (
              <OrgSettingsForm key={org.data.id} org={org.data} />
            )}
          </div>
        </Card>
      </div>
      <InviteDialog
        orgId={orgId}
        orgName={orgName}
        open={inviteOpen}
        onClose={() => setInviteOpen(false)}
      />
    </>
  );
}
