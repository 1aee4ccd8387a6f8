import { apiCall, apiJson, createKeyByApi, expect, test, unique } from "./support/fixtures";

test.describe("journey 7: roll a key with a grace period, its history, the org's max key lifetime", () => {
  test("a key rolled with a 24-hour grace period shows both keys, and its history shows the roll", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("roller");
    const { page, keys } = owner;
    const { orgId } = owner.account;
    const name = unique("Ingest");

    await keys.goto(orgId);
    const oldSecret = await keys.createKey({ name, write: true });

    // Roll it from its row, choosing the grace period.
    await keys
      .row(name)
      .getByRole("button", { name: `Roll ${name}`, exact: true })
      .click();
    const dialog = keys.dialog;
    await expect(dialog.getByRole("heading", { name: `Roll “${name}”` })).toBeVisible();
    const grace = dialog.getByRole("group", { name: "When should the old key stop working?" });
    await grace.getByRole("radio", { name: /^In 7 days/ }).check();
    await grace.getByRole("radio", { name: /^In 24 hours/ }).check();
    await expect(dialog.getByText(/The old key keeps working until/)).toBeVisible();
    await shot(page, "roll-dialog");
    await dialog.getByRole("button", { name: "Roll key", exact: true }).click();

    // The new secret, once.
    const newSecret = await keys.readSecret();
    expect(newSecret).not.toBe(oldSecret);
    await expect(dialog.getByText(/was rolled\. The old key keeps working until/)).toBeVisible();
    await keys.closeSecret();

    // Both keys in the table: the old one expires in 24 hours, the new one is active.
    await expect(keys.table.getByRole("button", { name, exact: true })).toHaveCount(2);
    const oldRow = keys.rowByHint(oldSecret);
    const newRow = keys.rowByHint(newSecret);
    await expect(oldRow).toContainText("Expires in 24 hours");
    await expect(newRow).toContainText("Active");
    await shot(page, "roll-grace-period");

    // And both work during the grace period.
    for (const secret of [oldSecret, newSecret]) {
      const res = await page.request.get("/v1/key", { headers: { "x-api-token": secret } });
      expect(res.status(), "a key in its grace period is accepted").toBe(200);
    }

    // The old key's dialog links to its history: the roll and the creation.
    await oldRow.getByRole("button", { name, exact: true }).click();
    await expect(dialog.getByText("Expires in 24 hours")).toBeVisible();
    await dialog.getByRole("link", { name: "View history" }).click();
    await expect(page).toHaveURL(/\/audit\?keyId=key_/);
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expect(page.getByText(`History of “${name}”`)).toBeVisible();
    const history = page.getByRole("table", { name: "Audit log" });
    const rows = history.locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute("data-action", "key.rolled");
    await expect(rows.nth(0)).toContainText("Rolled key");
    await expect(rows.nth(0)).toContainText(owner.account.name);
    await expect(rows.nth(0)).toContainText(/Expires:\s*never →/);
    await expect(rows.nth(1)).toHaveAttribute("data-action", "key.created");
    await expect(rows.nth(1)).toContainText(`Name: “${name}”`);
    await expect(history).not.toContainText(oldSecret);
    await expect(history).not.toContainText(newSecret);
    await shot(page, "key-history", { fullPage: true });

    // The whole log has the new key's creation too; its name leads to its own history.
    await page.getByRole("link", { name: "Show all events" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(history.locator('tbody tr[data-action="key.created"]')).toHaveCount(2);
    await expect(history.locator('tbody tr[data-action="key.rolled"]')).toHaveCount(1);
    await history
      .locator('tbody tr[data-action="key.created"]')
      .first()
      .getByRole("link", { name, exact: true })
      .click();
    await expect(page).toHaveURL(/\/audit\?keyId=key_/);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-action", "key.created");
  });

  test("an admin sets the org's maximum key lifetime; the key dialog offers only allowed choices", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("limiter");
    const { page, keys } = owner;
    const { orgId } = owner.account;

    // Without a limit: Never is the default, and every length is offered.
    await keys.goto(orgId);
    await keys.openNewKeyDialog();
    const expiration = keys.dialog.getByLabel("Expiration", { exact: true });
    await expect(expiration).toHaveValue("never");
    await expect(expiration.locator("option")).toHaveText([
      "Never",
      "In 7 days",
      "In 30 days",
      "In 90 days",
      "In 365 days",
      "On a date…",
    ]);
    await page.keyboard.press("Escape");

    // The admin sets 30 days on Members & settings.
    await page.getByRole("link", { name: "Members & settings" }).click();
    const lifetime = page.getByLabel("Maximum key lifetime");
    await expect(lifetime.locator("option")).toHaveText([
      "No limit",
      "30 days",
      "90 days",
      "365 days",
    ]);
    await lifetime.selectOption({ label: "30 days" });
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
    await shot(page, "org-max-key-lifetime", { fullPage: true });
    const org = await apiJson<{ maxKeyLifetimeDays: number | null }>(
      page.request,
      "GET",
      `/api/orgs/${orgId}`,
    );
    expect(org.maxKeyLifetimeDays).toBe(30);

    // Now the dialog offers nothing past 30 days, and no Never.
    await page.getByRole("link", { name: "API Keys", exact: true }).click();
    await keys.openNewKeyDialog();
    await expect(expiration).toHaveValue("30");
    await expect(expiration.locator("option")).toHaveText([
      "In 7 days",
      "In 30 days",
      "On a date…",
    ]);
    await expect(expiration).toHaveAccessibleDescription(
      "Your organization requires keys to expire within 30 days.",
    );
    await expiration.selectOption({ label: "On a date…" });
    const date = keys.dialog.getByLabel("Expiration date");
    const bounds = await page.evaluate(() => {
      const local = (ms: number) => {
        const d = new Date(ms);
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      };
      return { min: local(Date.now() + 86_400_000), max: local(Date.now() + 30 * 86_400_000) };
    });
    await expect(date).toHaveAttribute("max", bounds.max);
    await expect(date).toHaveAttribute("min", bounds.min);
    await shot(page, "new-key-max-lifetime");

    // A key made with the default expires within the limit.
    const name = unique("Limited");
    await expiration.selectOption({ label: "In 30 days" });
    await keys.fillNewKey({ name, write: true });
    await keys.dialog.getByRole("button", { name: "Create key" }).click();
    await keys.readSecret();
    await keys.closeSecret();
    await expect(keys.row(name)).toContainText("Expires in 30 days");

    // Its edit dialog offers no Never either (the API would refuse it).
    await keys.openKey(name);
    const editExpiration = keys.dialog.getByLabel("Expiration", { exact: true });
    await expect(editExpiration.locator("option")).toHaveText([
      /^No change \(expires /,
      "7 days from now",
      "30 days from now",
      "On a date…",
    ]);

    // The dialog also leads to rolling the key.
    await keys.dialog.getByRole("button", { name: "Roll key…" }).click();
    await expect(keys.dialog.getByRole("heading", { name: `Roll “${name}”` })).toBeVisible();
    await expect(keys.dialog.getByRole("radio", { name: /^In 24 hours/ })).toBeChecked();
    await keys.dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(keys.dialog).toBeHidden();
  });

  test("a member sees only their keys' events; their key, disabled when they leave, says why", async ({
    signUp,
    invite,
  }) => {
    const owner = await signUp("keeper");
    const { orgId } = owner.account;
    const leaver = await invite(owner, "member", "leaver");
    const name = unique("Leaver laptop");
    await createKeyByApi(leaver, {
      name,
      orgWide: false,
      permissions: { read: true, write: false },
    });

    // A member's Audit page holds only what the API shows them: their key's events, no
    // member or settings events.
    await leaver.page.goto(`/orgs/${orgId}/audit`);
    await expect(
      leaver.page.getByText("Who did what to the keys you can see, newest first."),
    ).toBeVisible();
    const log = leaver.page.getByRole("table", { name: "Audit log" });
    await expect(log.locator("tbody tr")).toHaveCount(1);
    await expect(log.locator("tbody tr").first()).toHaveAttribute("data-action", "key.created");
    await expect(log).toContainText(name);

    const removed = await apiCall(owner.context.request, "GET", `/api/orgs/${orgId}/members`).then(
      async (res) => (await res.json()) as { userId: string; email: string }[],
    );
    const userId = removed.find((m) => m.email === leaver.account.email)?.userId;
    expect(userId).toBeDefined();
    const res = await apiCall(
      owner.context.request,
      "DELETE",
      `/api/orgs/${orgId}/members/${userId}`,
    );
    expect(res.status()).toBe(204);

    await owner.keys.goto(orgId, "?disabled=1");
    await expect(owner.keys.row(name)).toContainText("Disabled — owner removed");
    await owner.keys.openKey(name);
    await expect(owner.keys.dialog).toContainText(
      "Disabled automatically when its owner was removed from the organization.",
    );
  });
});
