const STORAGE_KEY = "keyward.lastOrgId";

export function readLastOrgId(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function rememberOrgId(orgId: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, orgId);
  } catch {
    // Private mode or storage disabled: the URL still carries the org.
  }
}
