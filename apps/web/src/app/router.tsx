import { createBrowserRouter, Navigate } from "react-router-dom";
import { AcceptInvitePage } from "./routes/accept-invite-page";
import { AuditPage } from "./routes/audit-page";
import { HomeRedirect } from "./routes/home-redirect";
import { KeysPage } from "./routes/keys-page";
import { MembersPage } from "./routes/members-page";
import { NotFoundPage } from "./routes/not-found-page";
import { OrgLayout } from "./routes/org-layout";
import { RequireSession } from "./routes/require-session";
import { RouteErrorPage } from "./routes/route-error-page";
import { SignInPage } from "./routes/sign-in-page";
import { SignUpPage } from "./routes/sign-up-page";

export function createAppRouter() {
  return createBrowserRouter([
    {
      errorElement: <RouteErrorPage />,
      children: [
        { path: "/", element: <HomeRedirect /> },
        { path: "/sign-in", element: <SignInPage /> },
        { path: "/sign-up", element: <SignUpPage /> },
        { path: "/invites/:token", element: <AcceptInvitePage /> },
        {
          path: "/orgs/:orgId",
          element: <RequireSession />,
          children: [
            {
              element: <OrgLayout />,
              children: [
                { index: true, element: <Navigate to="keys" replace /> },
                { path: "keys", element: <KeysPage /> },
                { path: "members", element: <MembersPage /> },
                { path: "audit", element: <AuditPage /> },
              ],
            },
          ],
        },
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ]);
}

export type AppRouter = ReturnType<typeof createAppRouter>;
