import type { SessionAnswer } from "@keyward/shared";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { useInvite } from "@/features/auth/api/get-invite";
import { useSignOut } from "@/features/auth/api/sign-out";
import {
  AcceptInviteAsMember,
  AcceptInviteForm,
} from "@/features/auth/components/accept-invite-form";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { errorMessage, isApiError } from "@/lib/api-client";
import { formatDateTime } from "@/lib/format";
import { paths, signInPath } from "@/lib/paths";
import { useMe } from "@/lib/queries/me";

export function AcceptInvitePage() {
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const invite = useInvite(token);
  const me = useMe();
  const signOut = useSignOut();

  if (invite.isPending || (me.isPending && !me.isError)) {
    return (
      <AuthLayout title="Opening your invite">
        <div className="page-loader" style={{ minHeight: "6rem" }}>
          <Spinner size="lg" label="Loading invite" />
        </div>
      </AuthLayout>
    );
  }

  if (invite.isError) {
    const gone = isApiError(invite.error) && invite.error.status === 404;
    return (
      <AuthLayout
        title={gone ? "This invite link no longer works" : "Could not open the invite"}
        subtitle={
          gone
            ? "It was already used, has expired, or never existed. Ask an admin for a new link."
            : errorMessage(invite.error)
        }
      >
        <Link to={paths.home} className="btn btn--secondary btn--block">
          Go to Keyward
        </Link>
      </AuthLayout>
    );
  }

  const data = invite.data;
  const onAccepted = (session: SessionAnswer) => {
    const org = session.orgs.find((o) => o.id === data.orgId) ?? session.orgs.at(-1);
    navigate(org ? paths.keys(org.id) : paths.home, { replace: true });
  };
  const subtitle = (
    <>
      You are invited to join <strong>{data.orgName}</strong> as{" "}
      {data.role === "admin" ? "an admin" : "a member"}. The link is valid until{" "}
      {formatDateTime(data.expiresAt)}.
    </>
  );

  const user = me.data?.user;
  if (user) {
    const sameEmail = user.email.toLowerCase() === data.email.toLowerCase();
    return (
      <AuthLayout title={`Join ${data.orgName}`} subtitle={subtitle}>
        {sameEmail ? (
          <AcceptInviteAsMember token={token} invite={data} onAccepted={onAccepted} />
        ) : (
          <div className="stack">
            <Alert tone="warning" title="This invite is for someone else">
              It was sent to {data.email}, but you are signed in as {user.email}. Sign out, then
              open the link again.
            </Alert>
            <Button
              className="btn--block"
              isLoading={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, { onSettled: () => window.location.reload() })
              }
            >
              Sign out
            </Button>
          </div>
        )}
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title={`Join ${data.orgName}`}
      subtitle={subtitle}
      footer={
        <>
          Already have an account for {data.email}?{" "}
          <Link to={signInPath(paths.invite(token))}>Sign in to accept</Link>
        </>
      }
    >
      <AcceptInviteForm token={token} invite={data} onAccepted={onAccepted} />
    </AuthLayout>
  );
}
