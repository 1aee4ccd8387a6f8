import { useNavigate } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { useSignOut } from "@/features/auth/api/sign-out";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { paths } from "@/lib/paths";

export function NoOrgPage() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <AuthLayout
      title="You are not in any organization"
      subtitle="An admin of your team can invite you again with a new link."
    >
      <Button
        className="btn--block"
        isLoading={signOut.isPending}
        onClick={() => signOut.mutate(undefined, { onSettled: () => navigate(paths.signIn) })}
      >
        Sign out
      </Button>
    </AuthLayout>
  );
}
