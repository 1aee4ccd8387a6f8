/** `/api/orgs/{orgId}/{segments…}`, each part encoded. */
export function orgApiPath(orgId: string, ...segments: string[]): string {
  return ["/api/orgs", ...[orgId, ...segments].map(encodeURIComponent)].join("/");
}
