import type { KeyAnswer } from "@keyward/shared";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { keyAnswerAt } from "@/testing/key-answer";
import { KeysTable } from "./keys-table";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

const key = (overrides: Partial<KeyAnswer>) => keyAnswerAt("2026-05-01T00:00:00.000Z", overrides);

function renderTable(keys: KeyAnswer[]) {
  const onRoll = vi.fn();
  render(
    <KeysTable
      keys={keys}
      showOwner
      sorting={[]}
      onSortingChange={vi.fn()}
      onOpen={vi.fn()}
      onToggleEnabled={vi.fn()}
      onRoll={onRoll}
      onDelete={vi.fn()}
      pendingKeyIds={new Set()}
      retainedKeyIds={new Map()}
      now={NOW}
    />,
  );
  return { onRoll, user: userEvent.setup() };
}

const rowOf = (id: string) => {
  const row = document.querySelector<HTMLElement>(`tr[data-key-id="${id}"]`);
  if (!row) throw new Error(`no row ${id}`);
  return within(row);
};

describe("KeysTable", () => {
  it("shows a rolled key beside its successor, the old one 'Expires in 24 hours'", () => {
    renderTable([
      key({ id: "key_new", start: "kw_NeWwW" }),
      key({ id: "key_old", start: "kw_OlDdD", expiresAt: new Date(NOW + 24 * HOUR).toISOString() }),
    ]);
    expect(screen.getAllByRole("button", { name: "Ingest" })).toHaveLength(2);
    expect(rowOf("key_old").getAllByText("Expires in 24 hours").length).toBeGreaterThan(0);
    expect(rowOf("key_new").getAllByText("Active").length).toBeGreaterThan(0);
  });

  it("says Expired, and why a key was disabled", () => {
    renderTable([
      key({ id: "key_exp", expiresAt: new Date(NOW - HOUR).toISOString() }),
      key({
        id: "key_orphan",
        orgWide: false,
        owner: { id: "usr_gone", name: "Bob", email: "bob@example.com" },
        enabled: false,
        disabledReason: "owner_removed",
      }),
    ]);
    expect(rowOf("key_exp").getAllByText("Expired").length).toBeGreaterThan(0);
    expect(rowOf("key_orphan").getAllByText("Disabled — owner removed").length).toBeGreaterThan(0);
  });

  it("offers Roll and Delete only on keys the caller may edit; a locked row says why", async () => {
    const editable = key({ id: "key_mine", name: "Mine" });
    const { onRoll, user } = renderTable([
      editable,
      key({
        id: "key_theirs",
        name: "Theirs",
        canEdit: false,
        cannotEditReason: "org_keys_restricted",
      }),
    ]);
    expect(screen.queryByRole("button", { name: "Roll Theirs" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Delete Theirs/ })).toBeNull();
    expect(
      rowOf("key_theirs").getByRole("button", {
        name: "Read-only: org-wide keys are changed by admins",
      }),
    ).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Roll Mine" }));
    expect(onRoll).toHaveBeenCalledWith(editable);
  });

  it("links a rolled pair both ways", () => {
    renderTable([
      key({ id: "key_new", start: "kw_NeWwW", rolledFrom: { id: "key_old", start: "kw_OlDdD" } }),
      key({
        id: "key_old",
        start: "kw_OlDdD",
        expiresAt: new Date(NOW + 23 * HOUR).toISOString(),
        replacedBy: { id: "key_new", start: "kw_NeWwW" },
      }),
    ]);
    expect(rowOf("key_old").getByTestId("replaced-by")).toHaveTextContent(
      "replaced by kw_NeWwW… · expires in 23 hours",
    );
    expect(rowOf("key_new").getByTestId("rolled-from")).toHaveTextContent("rolled from kw_OlDdD…");
  });
});
