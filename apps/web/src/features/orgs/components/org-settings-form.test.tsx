import type { OrgAnswer } from "@keyward/shared";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ToastProvider } from "@/components/ui/toast";
import { OrgSettingsForm } from "./org-settings-form";

const org: OrgAnswer = {
  id: "org_1",
  name: "Analytical Engines",
  orgKeyPolicy: "everyone",
  maxKeyLifetimeDays: null,
};

function stubPatch() {
  const fetchMock = vi.fn<typeof fetch>().mockImplementation(async (_input, init) => {
    const body = JSON.parse(String(init?.body ?? "{}")) as Partial<OrgAnswer>;
    return new Response(JSON.stringify({ ...org, ...body }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function renderForm(answer: OrgAnswer = org) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <OrgSettingsForm org={answer} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("OrgSettingsForm, maximum key lifetime", () => {
  it("offers none, 30, 90 and 365 days and sends only the changed setting", async () => {
    const fetchMock = stubPatch();
    const user = renderForm();
    const select = screen.getByLabelText("Maximum key lifetime") as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toEqual([
      "No limit",
      "30 days",
      "90 days",
      "365 days",
    ]);
    expect(select).toHaveValue("");
    const save = screen.getByRole("button", { name: "Save settings" });
    expect(save).toBeDisabled();

    await user.selectOptions(select, "90");
    await user.click(save);
    expect(await screen.findByText("Settings saved")).toBeVisible();
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(String(url)).toBe("/api/orgs/org_1");
    expect(init?.method).toBe("PATCH");
    expect(JSON.parse(String(init?.body))).toEqual({ maxKeyLifetimeDays: 90 });
  });

  it("sends null to lift a limit", async () => {
    const fetchMock = stubPatch();
    const user = renderForm({ ...org, maxKeyLifetimeDays: 30 });
    const select = screen.getByLabelText("Maximum key lifetime");
    expect(select).toHaveValue("30");
    await user.selectOptions(select, "");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved")).toBeVisible();
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({
      maxKeyLifetimeDays: null,
    });
  });
});
