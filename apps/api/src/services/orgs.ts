import type { MaxKeyLifetimeDays, OrgAnswer, OrgKeyPolicy, UpdateOrgBody } from "@keyward/shared";
import type { Deps } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { type Actor, canUpdateOrg } from "../policy.js";
import { diffFields, recordAudit } from "./audit-writer.js";
import { withAuthority } from "./authority.js";

function assertCanUpdateOrg(actor: Actor): void {
  if (!canUpdateOrg(actor)) throw ApiError.forbidden("only admins can change org settings");
}

/** A policy change takes the org row exclusively, so key changes in flight finish first or see it. */
export async function updateOrg(
  deps: Pick<Deps, "db" | "dialect">,
  ctx: OrgContext,
  input: UpdateOrgBody,
): Promise<OrgAnswer> {
  assertCanUpdateOrg(ctx.actor);
  const updated = await withAuthority(deps, ctx.caller, "exclusive", async (tx, { actor, org }) => {
    assertCanUpdateOrg(actor);
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
  return toOrgAnswer(updated);
}

export function toOrgAnswer(org: {
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
