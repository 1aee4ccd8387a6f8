import { type KeyAnswer, NO_RESTRICTIONS } from "@keyward/shared";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderForm } from "@/testing/render-form";
import { restrictionsBody, restrictionValues } from "../utils/key-restrictions";
import { KeyForm } from "./key-form";

const allowed = { allowed: true } as const;

const renderCreate = () => renderForm(KeyForm, { mode: "create", orgWideAccess: allowed });

describe("the key dialog's Restrictions section", () => {
  it("suggests restrictions for a Write-only org-wide key and sends them", async () => {
    const { onSubmit, user } = renderCreate();
    await user.type(screen.getByLabelText("Name"), "Web tracker");
    expect(screen.queryByText("Shipping this key in a web or mobile app?")).toBeNull();
    await user.click(screen.getByLabelText("Read"));
    await user.click(screen.getByLabelText("Write"));
    await user.click(screen.getByLabelText("Org-Wide"));
    await user.click(screen.getByText("Restrictions"));
    expect(screen.getByText("Shipping this key in a web or mobile app?")).toBeVisible();
    await user.type(
      screen.getByLabelText("Allowed web origins"),
      "https://app.example.com{Enter}https://*.example.com",
    );
    await user.type(screen.getByLabelText("Rate limit (requests per second)"), "20");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({
        restrictions: {
          allowedOrigins: ["https://app.example.com", "https://*.example.com"],
          rateLimitPerSecond: 20,
        },
      }),
    );
  });

  it("shows a bad entry's line beside its field and sends nothing", async () => {
    const { onSubmit, user } = renderCreate();
    await user.type(screen.getByLabelText("Name"), "Pinned");
    await user.click(screen.getByText("Restrictions"));
    await user.type(screen.getByLabelText("Allowed IP addresses"), "10.0.0.0/8{Enter}nope");
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Allowed IP addresses")).toHaveAccessibleDescription(
      expect.stringContaining("Line 2: must be an IPv4 or IPv6 address"),
    );
  });

  it("sends only the restrictions an edit changed", () => {
    const key = {
      restrictions: { ...NO_RESTRICTIONS, allowedIps: ["10.0.0.0/8"], rateLimitPerSecond: 5 },
    } as KeyAnswer;
    const values = restrictionValues(key);
    expect(restrictionsBody(values, key)).toBeUndefined();
    expect(
      restrictionsBody({ ...values, allowedIps: "", allowedOrigins: "https://a.test" }, key),
    ).toEqual({ allowedOrigins: ["https://a.test"], allowedIps: [] });
  });
});
