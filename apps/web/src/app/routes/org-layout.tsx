import { useEffect } from "react";
import { Link, NavLink, Outlet, useNavigate, useParams } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { LogoMark } from "@/components/ui/icons";
import { useSignOut } from "@/features/auth/api/sign-out";
import { OrgSwitcher } from "@/features/orgs/components/org-switcher";
import { paths } from "@/lib/paths";
import { useMe } from "@/lib/queries/me";
import { rememberOrgId } from "./last-org";
import { NotFoundPage } from "./not-found-page";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (
    ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() ||
    "?"
  );
}

export function OrgLayout() {
  const { orgId = "" } = useParams();
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const membership = me.data?.orgs.find((org) => org.id === orgId);

  useEffect(() => {
    if (membership) rememberOrgId(membership.id);
  }, [membership]);

  if (!me.data) return null;
  if (!membership) {
    return (
      <NotFoundPage message="This organization does not exist, or you are not a member of it." />
    );
  }
  const user = me.data.user;

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to={paths.keys(orgId)} className="brand" aria-label="Keyward, API keys">
            <LogoMark />
            <span className="brand__text">Keyward</span>
          </Link>
          <span className="text-subtle" aria-hidden="true">
            /
          </span>
          <OrgSwitcher orgs={me.data.orgs} currentOrgId={orgId} />
          <span className="app-header__spacer" />
          <div className="user-menu">
            <span className="user-menu__name">
              <span>{user.name}</span>
              <span className="text-subtle">{user.email}</span>
            </span>
            <span className="avatar" aria-hidden="true">
              {initials(user.name)}
            </span>
            <Button
              size="sm"
              variant="ghost"
              isLoading={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, {
                  onSettled: () => navigate(paths.signIn, { replace: true }),
                })
              }
            >
              Sign out
            </Button>
          </div>
        </div>
        <nav className="tabs" aria-label="Organization">
          <NavLink to={paths.keys(orgId)} className="tabs__link">
            API Keys
          </NavLink>
          {membership.capabilities.manageMembers ? (
            <NavLink to={paths.members(orgId)} className="tabs__link">
              Members &amp; settings
            </NavLink>
          ) : null}
          <NavLink to={paths.audit(orgId)} className="tabs__link">
            Audit log
          </NavLink>
        </nav>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
