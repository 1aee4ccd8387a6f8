import type { KeyAnswer } from "@keyward/shared";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api-client";
import { ORG_WIDE_CREATE_REFUSED as ORG_WIDE_RESTRICTED_REASON } from "@/lib/capability-reasons";
import { personalKeyAnswer } from "@/testing/key-answer";
import { renderForm } from "@/testing/render-form";
import { localDate } from "../utils/key-expiry";
import { orgWideAccess } from "./key-access";
import { KeyForm } from "./key-form";

const allowed = { allowed: true } as const;
const restricted = { allowed: false, reason: ORG_WIDE_RESTRICTED_REASON } as const;

const key = personalKeyAnswer;

function renderCreate(props: Partial<Parameters<typeof KeyForm>[0]> = {}) {
  return renderForm(KeyForm, { mode: "create", orgWideAccess: allowed, ...(props as object) });
}

/** Clicks Create key; the body sent expires in `days` days (within a tenth of a day). */
async function expectCreatedExpiringIn(
  { onSubmit, user }: ReturnType<typeof renderCreate>,
  days: number,
) {
  await user.click(screen.getByRole("button", { name: "Create key" }));
  const body = onSubmit.mock.calls[0]?.[0] as { expiresAt: string };
  const sentDays = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
  expect(sentDays).toBeGreaterThan(days - 0.1);
  expect(sentDays).toBeLessThanOrEqual(days);
}

describe("KeyForm, create mode", () => {
  it("refuses an empty name and no permission, with errors beside the fields", async () => {
    const { onSubmit, user } = renderCreate();
    await user.type(screen.getByLabelText("Name"), "   ");
    await user.click(screen.getByLabelText("Read"));
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(onSubmit).not.toHaveBeenCalled();
    const name = screen.getByLabelText("Name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("Name must not be empty.");
    const permissions = screen.getByRole("group", { name: "Permissions" });
    expect(
      within(permissions).getByText("Choose at least one permission: Read or Write."),
    ).toBeVisible();
  });

  it("clears a field's error once it is corrected", async () => {
    const { user } = renderCreate();
    await user.click(screen.getByLabelText("Read"));
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(screen.getByText("Choose at least one permission: Read or Write.")).toBeInTheDocument();
    await user.click(screen.getByLabelText("Write"));
    expect(
      screen.queryByText("Choose at least one permission: Read or Write."),
    ).not.toBeInTheDocument();
  });

  it("submits the contract's body with a trimmed name", async () => {
    const { onSubmit, user } = renderCreate();
    await user.type(screen.getByLabelText("Name"), "  Production ingest ");
    await user.click(screen.getByLabelText("Write"));
    await user.click(screen.getByLabelText("Org-Wide"));
    await user.click(screen.getByRole("button", { name: "Create key" }));

    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit).toHaveBeenCalledWith({
      name: "Production ingest",
      orgWide: true,
      permissions: { read: true, write: true },
      enabled: true,
    });
  });

  it("sends an expiry in the future when one is chosen", async () => {
    const form = renderCreate();
    await form.user.type(screen.getByLabelText("Name"), "Short-lived");
    await form.user.selectOptions(screen.getByLabelText("Expiration"), "7");
    await expectCreatedExpiringIn(form, 7);
  });

  it("disables Org-Wide with the reason when the caller may not create org-wide keys", async () => {
    const { onSubmit, user } = renderCreate({ orgWideAccess: restricted });
    const orgWide = screen.getByLabelText("Org-Wide");
    expect(orgWide).toBeDisabled();
    expect(orgWide).toHaveAccessibleDescription(ORG_WIDE_RESTRICTED_REASON);

    await user.type(screen.getByLabelText("Name"), "Mine");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ orgWide: false }));
  });

  it("shows the server's field errors next to the field they name", () => {
    renderCreate({
      serverError: new ApiError({
        status: 400,
        code: "invalid_request",
        message: "name: must be at most 100 characters",
        fieldErrors: { name: "must be at most 100 characters" },
      }),
    });
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(
      "Name must be at most 100 characters.",
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a server error that names no field as an alert", () => {
    renderCreate({
      serverError: new ApiError({ status: 403, code: "forbidden", message: "you may not" }),
    });
    expect(screen.getByRole("alert")).toHaveTextContent("You may not");
  });
});

describe("KeyForm, edit mode", () => {
  function renderEdit(
    keyData: KeyAnswer,
    extra: { readOnlyReason?: string; access?: typeof allowed | typeof restricted } = {},
  ) {
    return renderForm(KeyForm, {
      mode: "edit",
      keyData,
      readOnlyReason: extra.readOnlyReason,
      orgWideAccess: extra.access ?? allowed,
    });
  }

  it("sends only the fields that changed, and nothing until something did", async () => {
    const { onSubmit, user } = renderEdit(key());
    const save = screen.getByRole("button", { name: "Save changes" });
    expect(save).toBeDisabled();

    await user.click(screen.getByLabelText("Write"));
    await user.click(screen.getByLabelText("Enabled"));
    expect(save).toBeEnabled();
    await user.click(save);
    expect(onSubmit).toHaveBeenCalledWith({
      permissions: { read: true, write: true },
      enabled: false,
    });
  });

  it("is read-only with the reason when the key cannot be edited", async () => {
    const reason = "This is Olivia Owner’s personal key.";
    const { onSubmit, onCancel, user } = renderEdit(key({ canEdit: false }), {
      readOnlyReason: reason,
    });

    expect(screen.getByText(reason)).toBeVisible();
    for (const label of ["Name", "Org-Wide", "Read", "Write", "Enabled", "Expiration"]) {
      expect(screen.getByLabelText(label)).toBeDisabled();
    }
    expect(screen.queryByRole("button", { name: "Save changes" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(onCancel).toHaveBeenCalled();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("keeps a personal key from turning org-wide without the org-wide right", () => {
    renderEdit(key(), { access: restricted });
    expect(screen.getByLabelText("Org-Wide")).toBeDisabled();
    expect(screen.getByLabelText("Name")).toBeEnabled();
  });

  it("lets an editable org-wide key turn personal", async () => {
    const { onSubmit, user } = renderEdit(key({ orgWide: true, owner: null }), { access: allowed });
    await user.click(screen.getByLabelText("Org-Wide"));
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(onSubmit).toHaveBeenCalledWith({ orgWide: false });
  });

  it("shows the key's hint and details, never a secret", () => {
    renderEdit(key({ lastUsedAt: null }));
    expect(screen.getByText("kw_AbCdE…")).toBeVisible();
    expect(screen.getByText("Never")).toBeVisible();
    expect(document.body.textContent).not.toMatch(/kw_[0-9A-Za-z]{38}/);
  });
});

describe("KeyForm, the org's maximum key lifetime", () => {
  const optionLabels = () =>
    [...(screen.getByLabelText("Expiration") as HTMLSelectElement).options].map((o) => o.text);

  it("offers every choice, Never by default, without a limit", () => {
    renderCreate({ maxLifetimeDays: null });
    expect(optionLabels()).toEqual([
      "Never",
      "In 7 days",
      "In 30 days",
      "In 90 days",
      "In 365 days",
      "On a date…",
    ]);
    expect(screen.getByLabelText("Expiration")).toHaveValue("never");
  });

  it("under a 30-day limit offers no Never and nothing longer, and defaults to the limit", async () => {
    const form = renderCreate({ maxLifetimeDays: 30 });
    expect(optionLabels()).toEqual(["In 7 days", "In 30 days", "On a date…"]);
    expect(screen.getByLabelText("Expiration")).toHaveAccessibleDescription(
      "Your organization requires keys to expire within 30 days.",
    );
    await form.user.type(screen.getByLabelText("Name"), "Limited");
    await expectCreatedExpiringIn(form, 30);
  });

  it("bounds the date picker by the limit and refuses a later date typed in", async () => {
    const { onSubmit, user } = renderCreate({ maxLifetimeDays: 90 });
    await user.type(screen.getByLabelText("Name"), "Dated");
    await user.selectOptions(screen.getByLabelText("Expiration"), "date");
    const date = screen.getByLabelText("Expiration date");
    expect(date).toHaveAttribute("max", localDate(Date.now() + 90 * 86_400_000));
    expect(date).toHaveAttribute("min", localDate(Date.now() + 86_400_000));

    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(date).toHaveAccessibleDescription(expect.stringContaining("Choose a date."));

    const tooLate = localDate(Date.now() + 120 * 86_400_000);
    await user.type(date, tooLate);
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(date).toHaveAttribute("aria-invalid", "true");
    expect(date).toHaveAccessibleDescription(expect.stringContaining("within 90 days"));

    await user.clear(date);
    const ok = localDate(Date.now() + 10 * 86_400_000);
    await user.type(date, ok);
    await user.click(screen.getByRole("button", { name: "Create key" }));
    const body = onSubmit.mock.calls[0]?.[0] as { expiresAt: string };
    const [y, m, d] = ok.split("-").map(Number) as [number, number, number];
    expect(body.expiresAt).toBe(new Date(y, m - 1, d).toISOString());
  });

  it("in edit mode keeps the key's expiry by default and offers no Never under a limit", () => {
    renderForm(KeyForm, {
      mode: "edit",
      keyData: key({ expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString() }),
      orgWideAccess: allowed,
      maxLifetimeDays: 30,
    });
    expect(optionLabels()).toEqual([
      expect.stringMatching(/^No change \(expires /),
      "7 days from now",
      "30 days from now",
      "On a date…",
    ]);
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();
  });
});

describe("orgWideAccess", () => {
  const capabilities = (editOrgWideKeys: boolean) => ({
    editOrgWideKeys,
    seeOthersPersonalKeys: false,
    editOthersPersonalKeys: false,
    manageMembers: false,
    manageInvites: false,
    updateOrg: false,
    seeAllAudit: false,
  });
  it("follows the API's capability, with the reason when refused", () => {
    expect(orgWideAccess({ capabilities: capabilities(true) }).allowed).toBe(true);
    expect(orgWideAccess({ capabilities: capabilities(false) })).toEqual(restricted);
    expect(orgWideAccess(undefined).allowed).toBe(false);
  });
});
