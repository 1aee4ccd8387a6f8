import { expect, test, unique } from "./support/fixtures";

test("journey 2: a key disabled from its row leaves the table and comes back under the Disabled filter", async ({
  admin,
  keysPage: keys,
  page,
  shot,
}) => {
  await keys.goto(admin.orgId);
  const name = unique("Staging ingest");
  const other = unique("Kept enabled");
  await keys.createKey({ name, write: true });
  await keys.createKey({ name: other });

  // Disable straight from the row.
  await expect(keys.enabledSwitch(name)).toHaveAttribute("aria-checked", "true");
  await keys.enabledSwitch(name).click();
  await expect(page.getByRole("status").filter({ hasText: `“${name}” disabled` })).toBeVisible();
  // It stays in view, marked, until the view is refreshed (so Undo has a row to act on).
  await expect(keys.row(name)).toContainText("Disabled just now");
  await page.reload();
  await expect(keys.row(other)).toBeVisible();
  await expect(keys.row(name)).toHaveCount(0);
  await expect(keys.row(other)).toBeVisible();
  await expect(page).not.toHaveURL(/disabled=1/);

  // The Disabled toggle shows every key, the disabled one marked as such.
  await keys.setIncludeDisabled(true);
  await expect(page).toHaveURL(/[?&]disabled=1/);
  await expect(keys.row(name)).toBeVisible();
  await expect(keys.row(name)).toContainText("Disabled");
  await expect(keys.enabledSwitch(name)).toHaveAttribute("aria-checked", "false");
  await expect(keys.row(other)).toContainText("Active");
  await shot(page, "keys-page", { fullPage: true });

  // A reload keeps the toggle (it lives in the URL).
  await page.reload();
  await expect(keys.row(name)).toBeVisible();
  await expect(keys.row(name)).toContainText("Disabled");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page.getByRole("switch", { name: "Disabled", exact: true })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  await page.keyboard.press("Escape");

  // Turning it off hides the disabled key again; enabling it from the row brings it back.
  await keys.setIncludeDisabled(false);
  await expect(page).not.toHaveURL(/disabled=1/);
  await expect(keys.row(name)).toHaveCount(0);
  await keys.setIncludeDisabled(true);
  await keys.enabledSwitch(name).click();
  await expect(keys.row(name)).toContainText("Active");
  await keys.setIncludeDisabled(false);
  await expect(keys.row(name)).toBeVisible();
});

test("search by name and delete with confirmation", async ({ admin, keysPage: keys, page }) => {
  await keys.goto(admin.orgId);
  const name = unique("Delete me");
  await keys.createKey({ name });

  await keys.search(name);
  await expect(keys.table.getByRole("row")).toHaveCount(2); // header + the match

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(`Delete “${name}”?`);
  // Cancel keeps it.
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(keys.row(name)).toBeVisible();

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete key" }).click();
  await expect(page.getByRole("alertdialog")).toBeHidden();
  await expect(page.getByRole("heading", { name: "No keys match" })).toBeVisible();

  await page.reload();
  await keys.setIncludeDisabled(true);
  await expect(page.getByRole("heading", { name: "No keys match" })).toBeVisible();
});
