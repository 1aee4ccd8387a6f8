import type { AuditEventAnswer } from "@keyward/shared";

/** An audit event as the API answers it: Ada Admin updated the key "Ingest", unless overridden. */
export function auditEvent(overrides: Partial<AuditEventAnswer> = {}): AuditEventAnswer {
  return {
    id: "aud_1",
    at: "2026-06-01T12:00:00.000Z",
    actor: { id: "usr_ada", name: "Ada Admin" },
    action: "key.updated",
    keyId: "key_1",
    changes: {},
    subject: null,
    key: { name: "Ingest", start: "kw_InGeS" },
    ...overrides,
  };
}
