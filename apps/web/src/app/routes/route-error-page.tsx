import { isRouteErrorResponse, Link, useRouteError } from "react-router-dom";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { paths } from "@/lib/paths";

export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : "An unexpected error stopped this page. Reload to try again.";
  return (
    <AuthLayout title="Something went wrong" subtitle={message}>
      <Link to={paths.home} className="btn btn--primary btn--block" reloadDocument>
        Reload Keyward
      </Link>
    </AuthLayout>
  );
}
