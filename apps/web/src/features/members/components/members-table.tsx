import type { MemberAnswer, Role, UpdateMemberBody } from "@keyward/shared";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { IconButton } from "@/components/ui/button";
import { ConfirmMutationDialog } from "@/components/ui/confirm-dialog";
import { TrashIcon } from "@/components/ui/icons";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import { MEMBER_LOCK_REASONS } from "@/lib/capability-reasons";
import { useRemoveMember } from "../api/remove-member";
import { useUpdateMember } from "../api/update-member";

const ADMIN_GRANT_NOTE = "Admins hold this right";

/** The rights an admin grants a member, one checkbox column each. */
const GRANTS = [
  {
    field: "manageOrgKeys",
    keys: "org keys",
    title: "May create and change org-wide keys when the org restricts them",
  },
  {
    field: "managePersonalKeys",
    keys: "personal keys",
    title: "May see and change other members’ personal keys",
  },
] as const;

export function MembersTable({
  orgId,
  orgName,
  members,
  currentUserId,
}: {
  orgId: string;
  orgName: string;
  members: MemberAnswer[];
  currentUserId: string | undefined;
}) {
  const removeMember = useRemoveMember(orgId);
  const [toRemove, setToRemove] = useState<MemberAnswer | null>(null);

  return (
    <>
      <p className="scroll-hint">Scroll the table sideways to see each member’s rights.</p>
      {/* Focusable: on a phone the table scrolls sideways, and keyboards must reach it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region (axe scrollable-region-focusable) */}
      <section className="table-wrap" tabIndex={0} aria-label={`Members of ${orgName}`}>
        <table className="table">
          <caption className="visually-hidden">Members of {orgName}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Manage org keys</th>
              <th scope="col">Manage personal keys</th>
              <th scope="col" className="table__actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow
                key={member.userId}
                orgId={orgId}
                member={member}
                isSelf={member.userId === currentUserId}
                onRemove={() => {
                  removeMember.reset();
                  setToRemove(member);
                }}
              />
            ))}
          </tbody>
        </table>
      </section>
      <ConfirmMutationDialog
        target={toRemove}
        mutation={removeMember}
        variables={(member) => member.userId}
        doneMessage={(member) => `${member.name} removed`}
        onClose={() => setToRemove(null)}
        title={`Remove ${toRemove?.name ?? ""}?`}
        confirmLabel="Remove member"
      >
        {toRemove?.name} loses access to {orgName}. Their personal keys are disabled; org-wide keys
        keep working.
      </ConfirmMutationDialog>
    </>
  );
}

function MemberRow({
  orgId,
  member: saved,
  isSelf,
  onRemove,
}: {
  orgId: string;
  member: MemberAnswer;
  isSelf: boolean;
  onRemove: () => void;
}) {
  const updateMember = useUpdateMember(orgId);
  const toast = useToast();
  // The controls follow a click at once; the server's answer (or a refusal) settles it.
  const [pending, setPending] = useState<UpdateMemberBody>({});
  const member = { ...saved, ...pending };
  const isAdmin = member.role === "admin";
  const lockReason = saved.cannotDemoteReason
    ? MEMBER_LOCK_REASONS[saved.cannotDemoteReason]
    : undefined;
  const lockId = `member-lock-${saved.userId}`;

  const update = (body: UpdateMemberBody, done: string) => {
    setPending((current) => ({ ...current, ...body }));
    updateMember.mutate(
      { userId: saved.userId, body },
      {
        onSuccess: () => toast.show(done),
        onError: (error) => toast.show(errorMessage(error), "danger"),
        onSettled: () => setPending({}),
      },
    );
  };

  return (
    <tr data-member-email={member.email}>
      <td>
        <span className="member-cell">
          <span>
            {member.name} {isSelf ? <Badge>You</Badge> : null}
          </span>
          <span className="member-cell__email">{member.email}</span>
        </span>
      </td>
      <td>
        <select
          className="select select--sm select--auto"
          aria-label={`Role of ${member.name}`}
          value={member.role}
          disabled={Boolean(lockReason)}
          aria-describedby={lockReason ? lockId : undefined}
          onChange={(e) => {
            const role = e.target.value as Role;
            update({ role }, `${member.name} is now ${role === "admin" ? "an admin" : "a member"}`);
          }}
        >
          <option value="admin">Admin</option>
          <option value="member">Member</option>
        </select>
        {lockReason ? (
          <span id={lockId} className="member-lock">
            {lockReason}
          </span>
        ) : null}
      </td>
      {GRANTS.map((grant) => (
        <td key={grant.field}>
          <input
            type="checkbox"
            className="check__input"
            aria-label={`Manage ${grant.keys}: ${member.name}`}
            title={isAdmin ? ADMIN_GRANT_NOTE : grant.title}
            checked={isAdmin || member[grant.field]}
            disabled={isAdmin}
            onChange={(e) =>
              update(
                { [grant.field]: e.target.checked },
                `${member.name} ${e.target.checked ? "may now" : "may no longer"} manage ${grant.keys}`,
              )
            }
          />
        </td>
      ))}
      <td className="table__actions">
        <div className="table__actions-inner">
          {isSelf || lockReason ? null : (
            <IconButton label={`Remove ${member.name}`} variant="danger-ghost" onClick={onRemove}>
              <TrashIcon />
            </IconButton>
          )}
        </div>
      </td>
    </tr>
  );
}
