import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { SignInForm } from "@/features/auth/components/sign-in-form";
import { paths, safeNextPath } from "@/lib/paths";

export function SignInPage() {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get("next"));
  return (
    <AuthLayout
      title="Sign in to Keyward"
      subtitle="Manage your team’s API keys."
      footer={
        <>
          New to Keyward?{" "}
          <Link to={next ? `${paths.signUp}?next=${encodeURIComponent(next)}` : paths.signUp}>
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm onSignedIn={() => navigate(next ?? paths.home, { replace: true })} />
    </AuthLayout>
  );
}
