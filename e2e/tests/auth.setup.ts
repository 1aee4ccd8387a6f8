import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { type Account, ADMIN_INFO, ADMIN_STATE, PASSWORD, uniqueEmail } from "./support/fixtures";

setup("sign up the admin once and keep the session", async ({ page }) => {
  const account = {
    name: "Ada Admin",
    email: uniqueEmail("admin"),
    password: PASSWORD,
    orgName: "Analytical Engines",
  };

  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole("link", { name: "Create an account" }).click();

  await page.getByLabel("Name", { exact: true }).fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Organization name").fill(account.orgName);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/orgs\/[^/]+\/keys$/);
  await expect(page.getByRole("heading", { name: "API Keys", level: 1 })).toBeVisible();
  const orgId = new URL(page.url()).pathname.split("/")[2] ?? "";

  mkdirSync(path.dirname(ADMIN_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STATE });
  writeFileSync(ADMIN_INFO, JSON.stringify({ ...account, orgId } satisfies Account, null, 2));
});
