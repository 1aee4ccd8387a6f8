import { type KeyAnswer, NO_RESTRICTIONS } from "@keyward/shared";

/** A key as the API answers it: an enabled, org-wide Write key, unless overridden. */
export function keyAnswer(overrides: Partial<KeyAnswer> = {}): KeyAnswer {
  return {
    id: "key_1",
    name: "Ingest",
    orgWide: true,
    permissions: { read: false, write: true },
    enabled: true,
    disabledReason: null,
    start: "kw_AbCdE",
    owner: null,
    createdBy: { id: "usr_1", name: "Ada" },
    createdAt: "2026-01-02T03:04:05.000Z",
    updatedAt: "2026-01-02T03:04:05.000Z",
    lastUsedAt: null,
    expiresAt: null,
    canEdit: true,
    cannotEditReason: null,
    rolledFrom: null,
    replacedBy: null,
    restrictions: NO_RESTRICTIONS,
    ...overrides,
  };
}

/** `keyAnswer`, created (and last updated) at `at`. */
export function keyAnswerAt(at: string, overrides: Partial<KeyAnswer> = {}): KeyAnswer {
  return keyAnswer({ createdAt: at, updatedAt: at, ...overrides });
}

const OLIVIA = { id: "usr_owner", name: "Olivia Owner" };

/** Olivia's personal Read key "Grafana". */
export function personalKeyAnswer(overrides: Partial<KeyAnswer> = {}): KeyAnswer {
  return keyAnswer({
    name: "Grafana",
    orgWide: false,
    permissions: { read: true, write: false },
    owner: { ...OLIVIA, email: "olivia@example.com" },
    createdBy: OLIVIA,
    ...overrides,
  });
}
