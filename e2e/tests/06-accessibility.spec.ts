import type { Page } from "@playwright/test";
import { apiJson, expect, test, unique, uniqueEmail } from "./support/fixtures";

/** Presses Tab until the focused element's accessible text matches; fails after `max` presses. */
async function tabTo(page: Page, text: RegExp, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return "";
      const label = el.labels?.[0]?.textContent ?? "";
      return (el.getAttribute("aria-label") ?? (label || el.textContent) ?? "").trim();
    });
    if (text.test(focused)) return;
  }
  throw new Error(`Tab never reached ${text}`);
}

test.describe("journey 6: accessibility", () => {
  test("axe finds no serious or critical violations on any page", async ({
    admin,
    keysPage: keys,
    page,
    newContext,
    signUp,
    axe,
    shot,
  }) => {
    // Signed out: sign in, sign up, accept invite.
    const visitor = await (await newContext()).newPage();
    await visitor.goto("/sign-in");
    await expect(visitor.getByRole("heading", { name: "Sign in to Keyward" })).toBeVisible();
    await expect.poll(() => axe(visitor), { message: "sign-in" }).toEqual([]);
    await visitor.getByRole("button", { name: "Sign in" }).click();
    await expect(visitor.getByText("Enter your email address.")).toBeVisible();
    await expect.poll(() => axe(visitor), { message: "sign-in with errors" }).toEqual([]);

    await visitor.goto("/sign-up");
    await expect(visitor.getByRole("heading", { name: "Create your account" })).toBeVisible();
    await expect.poll(() => axe(visitor), { message: "sign-up" }).toEqual([]);

    const invite = await apiJson<{ token: string }>(
      page.request,
      "POST",
      `/api/orgs/${admin.orgId}/invites`,
      { email: uniqueEmail("a11y"), role: "member" },
    );
    await visitor.goto(`/invites/${invite.token}`);
    await expect(visitor.getByRole("heading", { name: /^Join / })).toBeVisible();
    await expect.poll(() => axe(visitor), { message: "accept invite" }).toEqual([]);
    await visitor.goto("/invites/not-a-real-token");
    await expect(
      visitor.getByRole("heading", { name: "This invite link no longer works" }),
    ).toBeVisible();
    await expect.poll(() => axe(visitor), { message: "dead invite" }).toEqual([]);

    // Empty keys page of a brand-new org.
    const fresh = await signUp("empty");
    await fresh.keys.goto(fresh.account.orgId);
    await expect(fresh.page.getByRole("heading", { name: "No enabled API keys" })).toBeVisible();
    await expect.poll(() => axe(fresh.page), { message: "empty keys page" }).toEqual([]);
    await shot(fresh.page, "keys-empty");

    // Keys page with keys, its filter menu, the dialog, the secret view, the edit dialog.
    await keys.goto(admin.orgId);
    const name = unique("Axe probe");
    await keys.createKey({ name, write: true });
    await expect.poll(() => axe(page), { message: "keys page" }).toEqual([]);
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect(page.getByRole("switch", { name: "Disabled" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "filter menu" }).toEqual([]);
    await page.keyboard.press("Escape");

    await keys.openNewKeyDialog();
    await expect.poll(() => axe(page), { message: "new key dialog" }).toEqual([]);
    await keys.dialog.getByLabel("Read", { exact: true }).uncheck();
    await keys.dialog.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => axe(page), { message: "new key dialog with errors" }).toEqual([]);
    await keys.fillNewKey({ name: unique("Axe secret"), write: true });
    await keys.dialog.getByRole("button", { name: "Create key" }).click();
    await keys.readSecret();
    await expect.poll(() => axe(page), { message: "secret view" }).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(keys.dialog.getByText("You haven’t copied this key. Close anyway?")).toBeVisible();
    await expect.poll(() => axe(page), { message: "secret view asking first" }).toEqual([]);
    await keys.dialog.getByRole("button", { name: "Close anyway" }).click();
    await expect(keys.dialog).toBeHidden();

    await keys.openKey(name);
    await expect.poll(() => axe(page), { message: "edit dialog" }).toEqual([]);
    await page.keyboard.press("Escape");

    // Rolling: the grace-period choice, with the custom fields open.
    await keys
      .row(name)
      .getByRole("button", { name: `Roll ${name}`, exact: true })
      .click();
    await expect(keys.dialog.getByRole("heading", { name: `Roll “${name}”` })).toBeVisible();
    await keys.dialog.getByRole("radio", { name: /^Custom/ }).check();
    await expect(keys.dialog.getByLabel("Grace period", { exact: true })).toBeVisible();
    await expect.poll(() => axe(page), { message: "roll dialog" }).toEqual([]);
    await page.keyboard.press("Escape");
    await expect(keys.dialog).toBeHidden();

    // The audit log, from a key's history link, then unfiltered.
    await keys.openKey(name);
    await keys.dialog.getByRole("link", { name: "View history" }).click();
    await expect(page.getByText(`History of “${name}”`)).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "key history" }).toEqual([]);
    await page.getByRole("link", { name: "Show all events" }).click();
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "audit page" }).toEqual([]);

    await page.goto(`/orgs/${admin.orgId}/members`);
    await expect(page.getByRole("heading", { name: "Members & settings" })).toBeVisible();
    await expect(page.getByRole("table", { name: /Members of/ })).toBeVisible();
    await apiJson(page.request, "POST", `/api/orgs/${admin.orgId}/invites`, {
      email: uniqueEmail("axe-invitee"),
      role: "member",
    });
    await page.reload();
    await expect(page.getByRole("table", { name: "Pending invites" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "members page" }).toEqual([]);
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect.poll(() => axe(page), { message: "invite dialog" }).toEqual([]);
    await page.keyboard.press("Escape");

    // The phone layout of the keys page.
    await page.setViewportSize({ width: 390, height: 844 });
    await keys.goto(admin.orgId);
    await expect(keys.row(name)).toBeVisible();
    await expect.poll(() => axe(page), { message: "keys page at 390 px" }).toEqual([]);
    await shot(page, "keys-page-390", { fullPage: true });
    await page.goto(`/orgs/${admin.orgId}/audit`);
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "audit page at 390 px" }).toEqual([]);
    await shot(page, "audit-page-390");
    await page.goto(`/orgs/${admin.orgId}/members`);
    await expect(page.getByRole("table", { name: "Pending invites" })).toBeVisible();
    await expect.poll(() => axe(page), { message: "members page at 390 px" }).toEqual([]);
    await shot(page, "members-page-390", { fullPage: true });
  });

  test("a key can be created with the keyboard only; Esc closes the dialog", async ({
    admin,
    keysPage: keys,
    page,
  }) => {
    await keys.goto(admin.orgId);

    // Esc closes the dialog and gives focus back to the button that opened it.
    await tabTo(page, /Add New/);
    await page.keyboard.press("Enter");
    await expect(keys.dialog).toBeVisible();
    await expect(keys.dialog.getByLabel("Name", { exact: true })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(keys.dialog).toBeHidden();
    await expect(keys.addButton).toBeFocused();

    // Create one: type the name, tick Write with Space, submit with Enter.
    const name = unique("Keyboard key");
    await page.keyboard.press("Enter");
    await expect(keys.dialog.getByLabel("Name", { exact: true })).toBeFocused();
    await page.keyboard.type(name);
    await tabTo(page, /^Write$/);
    await page.keyboard.press("Space");
    await expect(keys.dialog.getByLabel("Write", { exact: true })).toBeChecked();

    // Focus stays inside the modal dialog however far one tabs.
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press("Tab");
      await expect(page.locator("dialog :focus")).toHaveCount(1);
    }

    await tabTo(page, /^Create key$/);
    await page.keyboard.press("Enter");
    await keys.readSecret();
    // The copy button has focus first; Enter copies.
    await expect(keys.dialog.getByRole("button", { name: "Copy secret" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(keys.dialog.getByRole("button", { name: "Copy secret" })).toHaveText(/Copied/);
    await tabTo(page, /Done/);
    await page.keyboard.press("Enter");
    await expect(keys.dialog).toBeHidden();
    await expect(keys.row(name)).toBeVisible();
    await expect(keys.row(name)).toContainText("Write");

    // Open it again from the keyboard: its name is a button.
    await tabTo(page, new RegExp(`^${name}$`));
    await page.keyboard.press("Enter");
    await expect(keys.dialog.getByRole("heading", { name: `Edit “${name}”` })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(keys.dialog).toBeHidden();
  });
});
