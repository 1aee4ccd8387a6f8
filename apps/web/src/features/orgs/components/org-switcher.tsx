import type { OrgMembershipSummary } from "@keyward/shared";
import { useId } from "react";
import { useLocation, useNavigate } from "react-router-dom";

/** Switching keeps the current page (keys or members) in the newly chosen org. */
export function OrgSwitcher({
  orgs,
  currentOrgId,
}: {
  orgs: OrgMembershipSummary[];
  currentOrgId: string;
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const id = useId();
  const current = orgs.find((o) => o.id === currentOrgId);

  if (orgs.length <= 1) {
    return (
      <div className="org-switcher">
        <span className="org-switcher__name" title={current?.name}>
          {current?.name}
        </span>
      </div>
    );
  }

  return (
    <div className="org-switcher">
      <label htmlFor={id} className="visually-hidden">
        Organization
      </label>
      <select
        id={id}
        className="select select--sm"
        value={currentOrgId}
        onChange={(event) => {
          const section = location.pathname.endsWith("/members") ? "members" : "keys";
          navigate(`/orgs/${encodeURIComponent(event.target.value)}/${section}`);
        }}
      >
        {orgs.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
    </div>
  );
}
