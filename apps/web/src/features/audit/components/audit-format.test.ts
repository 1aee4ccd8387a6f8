import type { AuditEventAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "@/lib/format";
import { auditEvent } from "@/testing/audit-event";
import {
  actionLabel,
  deletedKeyIds,
  describeChanges,
  eventTarget,
  keyNamesFromEvents,
} from "./audit-format";

const ctx = { userName: (id: string) => ({ usr_ada: "Ada Admin" })[id] };

const event = auditEvent;

const texts = (e: AuditEventAnswer) => describeChanges(e, ctx).map((l) => `${l.label}: ${l.text}`);

describe("describeChanges", () => {
  it("shows a created key's values, not 'nothing → value'", () => {
    expect(
      texts(
        event({
          action: "key.created",
          changes: {
            name: [null, "Ingest"],
            orgWide: [null, false],
            ownerId: [null, "usr_ada"],
            permissions: [null, { read: false, write: true }],
            enabled: [null, true],
          },
        }),
      ),
    ).toEqual([
      "Name: “Ingest”",
      "Type: Personal",
      "Owner: Ada Admin",
      "Permissions: Write",
      "Status: enabled",
    ]);
  });

  it("shows a roll's new expiry and an update's before → after", () => {
    const at = "2026-06-02T12:00:00.000Z";
    expect(texts(event({ action: "key.rolled", changes: { expiresAt: [null, at] } }))).toEqual([
      `Expires: never → ${formatDateTime(at)}`,
    ]);
    expect(
      texts(
        event({
          changes: {
            name: ["old", "new"],
            permissions: [
              { read: true, write: false },
              { read: true, write: true },
            ],
            orgWide: [false, true],
            ownerId: ["usr_gone", null],
          },
        }),
      ),
    ).toEqual([
      "Name: “old” → “new”",
      "Permissions: Read → Read, Write",
      "Type: Personal → Org-Wide",
      "Owner: a former member → none (org-wide)",
    ]);
  });

  it("shows what a deletion or removal took away, and org settings readably", () => {
    expect(texts(event({ action: "key.deleted", changes: { name: ["Ingest", null] } }))).toEqual([
      "Name: “Ingest”",
    ]);
    expect(
      texts(
        event({
          action: "org.updated",
          keyId: null,
          changes: { maxKeyLifetimeDays: [null, 30], orgKeyPolicy: ["everyone", "restricted"] },
        }),
      ),
    ).toEqual([
      "Max key lifetime: no limit → 30 days",
      "Org-wide key policy: Everyone → Restricted",
    ]);
  });

  it("keeps unknown fields and values readable and short", () => {
    const [line] = describeChanges(
      event({ changes: { somethingNew: [1, { deep: "x".repeat(500) }] } }),
      ctx,
    );
    expect(line?.label).toBe("somethingNew");
    expect(line?.text.startsWith("1 → {")).toBe(true);
    expect(line?.text.length).toBeLessThan(140);
    expect(actionLabel("key.rolled")).toBe("Rolled key");
    expect(actionLabel("key.frozen")).toBe("key.frozen");
  });
});

describe("key names from events", () => {
  it("takes each key's newest name, and a deleted key's last one", () => {
    const events = [
      event({ id: "a3", action: "key.deleted", keyId: "key_2", changes: { name: ["Gone", null] } }),
      event({ id: "a2", keyId: "key_1", changes: { name: ["First", "Renamed"] } }),
      event({
        id: "a1",
        action: "key.created",
        keyId: "key_1",
        changes: { name: [null, "First"] },
      }),
      event({
        id: "a0",
        action: "key.disabled",
        keyId: "key_3",
        changes: { enabled: [true, false] },
      }),
    ];
    expect(keyNamesFromEvents(events)).toEqual(
      new Map([
        ["key_2", "Gone"],
        ["key_1", "Renamed"],
      ]),
    );
    expect(deletedKeyIds(events)).toEqual(new Set(["key_2"]));
  });
});

describe("eventTarget", () => {
  it("names the member an event is about, with their email", () => {
    const e = event({
      action: "member.updated",
      keyId: null,
      subject: { id: "usr_g", name: "Grace", email: "grace@example.com" },
    });
    expect(eventTarget(e)).toEqual({ name: "Grace", detail: "grace@example.com" });
  });

  it("falls back to an invite's email, then to a former member", () => {
    expect(
      eventTarget(
        event({ action: "invite.revoked", keyId: null, changes: { email: ["a@x.io", null] } }),
      ),
    ).toEqual({ name: "a@x.io" });
    expect(eventTarget(event({ action: "member.removed", keyId: null }))).toEqual({
      name: "A former member",
    });
    expect(actionLabel("invite.renewed")).toBe("Renewed invite link");
  });
});
