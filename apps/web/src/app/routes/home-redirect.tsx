import { Navigate } from "react-router-dom";
import { PageLoader } from "@/components/ui/spinner";
import { isApiError } from "@/lib/api-client";
import { paths } from "@/lib/paths";
import { useMe } from "@/lib/queries/me";
import { readLastOrgId } from "./last-org";
import { NoOrgPage } from "./no-org-page";
import { SessionErrorPage } from "./session-error-page";

export function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <PageLoader />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401)
      return <Navigate to={paths.signIn} replace />;
    return <SessionErrorPage error={me.error} onRetry={() => me.refetch()} />;
  }
  const lastOrgId = readLastOrgId();
  const org = me.data.orgs.find((o) => o.id === lastOrgId) ?? me.data.orgs[0];
  if (!org) return <NoOrgPage />;
  return <Navigate to={paths.keys(org.id)} replace />;
}
