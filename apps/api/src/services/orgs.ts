import type { Db } from "@keyward/db";
import type { OrgAnswer, OrgKeyPolicy } from "@keyward/shared";
import type { OrgContext } from "../http/org-member.js";
import { diffFields, recordAudit } from "./audit.js";

export async function updateOrg(
  db: Db,
  { actor, org }: OrgContext,
  input: { name?: string | undefined; orgKeyPolicy?: OrgKeyPolicy | undefined },
): Promise<OrgAnswer> {
  const changes = diffFields({ name: org.name, orgKeyPolicy: org.orgKeyPolicy }, input);
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.org.update({ where: { id: org.id }, data: input });
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, { orgId: org.id, actorId: actor.userId, action: "org.updated", changes });
    }
    return row;
  });
  return { id: updated.id, name: updated.name, orgKeyPolicy: updated.orgKeyPolicy as OrgKeyPolicy };
}
