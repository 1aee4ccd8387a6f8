import type { KeyAnswer, KeyLockReason, MemberLockReason } from "@keyward/shared";

// The UI's only wording of the API's reason codes: every screen says a refusal the same way.

/** Short, shown on the locked row itself (table and phone cards). */
export const KEY_LOCK_SHORT: Record<KeyLockReason, string> = {
  org_keys_restricted: "Read-only: org-wide keys are changed by admins",
  not_owner: "Read-only: another member’s personal key",
};

/** The full explanation, at the top of the read-only dialog. */
export function keyLockExplanation(key: Pick<KeyAnswer, "cannotEditReason" | "owner">): string {
  switch (key.cannotEditReason) {
    case "org_keys_restricted":
      return "This organization lets only admins, and members an admin allows, change org-wide keys. Ask an admin if this key needs a change.";
    case "not_owner":
      return `This is ${key.owner?.name ?? "another member"}’s personal key. Only they, admins, and members allowed to manage personal keys can change it.`;
    default:
      return "You can’t change this key.";
  }
}

/** Why the caller can't create an org-wide key (or turn one of theirs org-wide). */
export const ORG_WIDE_CREATE_REFUSED =
  "This organization lets only admins, and members an admin allows, create org-wide keys. Ask an admin if you need one.";

export const MEMBER_LOCK_REASONS: Record<MemberLockReason, string> = {
  last_admin: "The only admin: make someone else an admin first.",
};

/** A 403 from a page that was out of date: said plainly, never the API's internals. */
export const FORBIDDEN_NOW =
  "You can’t do this any more: your access or the organization’s key policy has changed. The page now shows what you may do.";

/** A 401 after the session ended. */
export const SESSION_ENDED = "Your session has ended. Sign in again to continue.";
