import { DAY_MS } from "@keyward/shared";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api-client";
import { keyAnswer } from "@/testing/key-answer";
import { renderForm } from "@/testing/render-form";
import { customGraceSeconds, oldKeyExpiry, RollKeyForm } from "./roll-key-form";

const key = keyAnswer;

const renderRoll = (keyData = key(), serverError: unknown = null) =>
  renderForm(RollKeyForm, { keyData, serverError });

describe("RollKeyForm", () => {
  it("offers now, 1 hour, 24 hours, 7 days and custom; 24 hours is the default", async () => {
    const { onSubmit, user } = renderRoll();
    const group = screen.getByRole("group", { name: "When should the old key stop working?" });
    expect(group).toBeVisible();
    for (const label of ["Now", "In 1 hour", "In 24 hours", "In 7 days", "Custom"]) {
      expect(screen.getByRole("radio", { name: new RegExp(`^${label}`) })).toBeInTheDocument();
    }
    expect(screen.getByRole("radio", { name: /^In 24 hours/ })).toBeChecked();
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    expect(onSubmit).toHaveBeenCalledWith(86_400);
  });

  it("sends the chosen preset in seconds", async () => {
    const { onSubmit, user } = renderRoll();
    await user.click(screen.getByRole("radio", { name: /^Now/ }));
    expect(screen.getByText("The old key stops working as soon as you roll.")).toBeVisible();
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    await user.click(screen.getByRole("radio", { name: /^In 1 hour/ }));
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    await user.click(screen.getByRole("radio", { name: /^In 7 days/ }));
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    expect(onSubmit.mock.calls.map(([s]) => s)).toEqual([0, 3_600, 604_800]);
  });

  it("takes a custom number and unit, and refuses more than 7 days", async () => {
    const { onSubmit, user } = renderRoll();
    await user.click(screen.getByRole("radio", { name: /^Custom/ }));
    const amount = screen.getByLabelText("Grace period");
    await user.clear(amount);
    await user.type(amount, "8");
    await user.selectOptions(screen.getByLabelText("Unit"), "days");
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(amount).toHaveAttribute("aria-invalid", "true");
    expect(amount).toHaveAccessibleDescription("The grace period can be at most 7 days.");

    await user.clear(amount);
    await user.type(amount, "90");
    await user.selectOptions(screen.getByLabelText("Unit"), "minutes");
    expect(amount).not.toHaveAttribute("aria-invalid");
    await user.click(screen.getByRole("button", { name: "Roll key" }));
    expect(onSubmit).toHaveBeenCalledWith(5_400);
  });

  it("says the old key keeps an earlier expiry of its own", async () => {
    const soon = new Date(Date.now() + 2 * 3_600_000).toISOString();
    renderRoll(key({ expiresAt: soon }));
    expect(screen.getByText(/already expires sooner/)).toBeVisible();
    expect(screen.getByText(/The new key takes over this key’s expiry/)).toBeVisible();
  });

  it("will not roll an expired key (the new one would be expired too)", async () => {
    const { onSubmit, user } = renderRoll(
      key({ expiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(screen.getByText("This key has expired")).toBeVisible();
    const roll = screen.getByRole("button", { name: "Roll key" });
    expect(roll).toBeDisabled();
    await user.click(roll);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the server's error", () => {
    renderRoll(key(), new ApiError({ status: 403, code: "forbidden", message: "you may not" }));
    expect(screen.getByRole("alert")).toHaveTextContent("You may not");
  });
});

describe("grace helpers", () => {
  it("customGraceSeconds validates 0 – 7 days", () => {
    expect(customGraceSeconds({ amount: "0", unitSeconds: 3600 })).toEqual({
      ok: true,
      seconds: 0,
    });
    expect(customGraceSeconds({ amount: "7", unitSeconds: 86_400 })).toEqual({
      ok: true,
      seconds: 604_800,
    });
    expect(customGraceSeconds({ amount: "1.5", unitSeconds: 3600 })).toEqual({
      ok: true,
      seconds: 5_400,
    });
    expect(customGraceSeconds({ amount: "7.01", unitSeconds: 86_400 }).ok).toBe(false);
    expect(customGraceSeconds({ amount: "-1", unitSeconds: 60 }).ok).toBe(false);
    expect(customGraceSeconds({ amount: "", unitSeconds: 60 }).ok).toBe(false);
    expect(customGraceSeconds({ amount: "soon", unitSeconds: 60 }).ok).toBe(false);
  });

  it("oldKeyExpiry is the earlier of the key's own expiry and now + grace", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    expect(oldKeyExpiry({ expiresAt: null }, 3600, now)).toEqual({
      at: now + 3_600_000,
      keepsOwnExpiry: false,
    });
    const own = new Date(now + 60_000).toISOString();
    expect(oldKeyExpiry({ expiresAt: own }, 3600, now)).toEqual({
      at: now + 60_000,
      keepsOwnExpiry: true,
    });
    expect(oldKeyExpiry({ expiresAt: new Date(now + 2 * DAY_MS).toISOString() }, 0, now).at).toBe(
      now,
    );
  });
});
