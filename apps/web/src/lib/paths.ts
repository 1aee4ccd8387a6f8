export const paths = {
  home: "/",
  signIn: "/sign-in",
  signUp: "/sign-up",
  invite: (token: string) => `/invites/${encodeURIComponent(token)}`,
  keys: (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/keys`,
  members: (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/members`,
  audit: (orgId: string, keyId?: string) =>
    `/orgs/${encodeURIComponent(orgId)}/audit${keyId ? `?keyId=${encodeURIComponent(keyId)}` : ""}`,
} as const;

const PUBLIC_PREFIXES = ["/sign-in", "/sign-up", "/invites/"];

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

/** Only same-app paths may be a post-sign-in destination (no open redirects). */
export function safeNextPath(next: string | null): string | null {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  return next;
}

export function signInPath(next?: string): string {
  return next ? `${paths.signIn}?next=${encodeURIComponent(next)}` : paths.signIn;
}
