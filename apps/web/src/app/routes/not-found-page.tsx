import { Link } from "react-router-dom";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { paths } from "@/lib/paths";

export function NotFoundPage({ message }: { message?: string }) {
  return (
    <AuthLayout title="Page not found" subtitle={message ?? "There is nothing at this address."}>
      <Link to={paths.home} className="btn btn--primary btn--block">
        Go to your keys
      </Link>
    </AuthLayout>
  );
}
