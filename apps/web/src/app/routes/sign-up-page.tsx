import { Link, useNavigate } from "react-router-dom";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { SignUpForm } from "@/features/auth/components/sign-up-form";
import { paths } from "@/lib/paths";

export function SignUpPage() {
  const navigate = useNavigate();
  return (
    <AuthLayout
      title="Create your account"
      subtitle="You get an organization of your own; invite your team later."
      footer={
        <>
          Already have an account? <Link to={paths.signIn}>Sign in</Link>
        </>
      }
    >
      <SignUpForm
        onSignedUp={(orgIds) =>
          navigate(orgIds[0] ? paths.keys(orgIds[0]) : paths.home, { replace: true })
        }
      />
    </AuthLayout>
  );
}
