import { Navigate, Outlet, useLocation } from "react-router-dom";
import { PageLoader } from "@/components/ui/spinner";
import { isApiError } from "@/lib/api-client";
import { signInPath } from "@/lib/paths";
import { useMe } from "@/lib/queries/me";
import { SessionErrorPage } from "./session-error-page";

export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoader />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
    }
    return <SessionErrorPage error={me.error} onRetry={() => me.refetch()} />;
  }
  return <Outlet />;
}
