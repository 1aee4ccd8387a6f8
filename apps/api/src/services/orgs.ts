import type { Db } from "@keyward/db";
import type { MaxKeyLifetimeDays, OrgAnswer, OrgKeyPolicy, UpdateOrgBody } from "@keyward/shared";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { canUpdateOrg } from "../policy.js";
import { diffFields, recordAudit } from "./audit.js";

export async function updateOrg(
  db: Db,
  { actor, org }: OrgContext,
  input: UpdateOrgBody,
): Promise<OrgAnswer> {
  if (!canUpdateOrg(actor)) throw ApiError.forbidden("only admins can change org settings");
  const updated = await db.$transaction(async (tx) => {
    const before = await tx.org.findUniqueOrThrow({ where: { id: org.id } });
    const changes = diffFields(
      {
        name: before.name,
        orgKeyPolicy: before.orgKeyPolicy,
        maxKeyLifetimeDays: before.maxKeyLifetimeDays,
      },
      input,
    );
    if (Object.keys(changes).length === 0) return before;
    const row = await tx.org.update({ where: { id: org.id }, data: input });
    await recordAudit(tx, { orgId: org.id, actorId: actor.userId, action: "org.updated", changes });
    return row;
  });
  return presentOrg(updated);
}

export function presentOrg(org: {
  id: string;
  name: string;
  orgKeyPolicy: string;
  maxKeyLifetimeDays: number | null;
}): OrgAnswer {
  return {
    id: org.id,
    name: org.name,
    orgKeyPolicy: org.orgKeyPolicy as OrgKeyPolicy,
    maxKeyLifetimeDays: org.maxKeyLifetimeDays as MaxKeyLifetimeDays,
  };
}
