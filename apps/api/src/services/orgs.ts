import type { Db } from "@keyward/db";
import type { OrgAnswer, OrgKeyPolicy } from "@keyward/shared";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { canUpdateOrg } from "../policy.js";
import { diffFields, recordAudit } from "./audit.js";

export async function updateOrg(
  db: Db,
  { actor, org }: OrgContext,
  input: { name?: string | undefined; orgKeyPolicy?: OrgKeyPolicy | undefined },
): Promise<OrgAnswer> {
  if (!canUpdateOrg(actor)) throw ApiError.forbidden("only admins can change org settings");
  const updated = await db.$transaction(async (tx) => {
    const before = await tx.org.findUniqueOrThrow({ where: { id: org.id } });
    const changes = diffFields({ name: before.name, orgKeyPolicy: before.orgKeyPolicy }, input);
    if (Object.keys(changes).length === 0) return before;
    const row = await tx.org.update({ where: { id: org.id }, data: input });
    await recordAudit(tx, { orgId: org.id, actorId: actor.userId, action: "org.updated", changes });
    return row;
  });
  return { id: updated.id, name: updated.name, orgKeyPolicy: updated.orgKeyPolicy as OrgKeyPolicy };
}
