import { readFileSync } from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import {
  apiCall,
  apiJson,
  createKeyByApi,
  expect,
  test,
  unique,
  uniqueEmail,
} from "./support/fixtures";

interface Created {
  key: { id: string; name: string; start: string };
  secret: string;
}

/** What the page keeps anywhere a later visitor of this browser could read. */
function storedState(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify({
      local: { ...localStorage },
      session: { ...sessionStorage },
      history: history.state,
      html: document.documentElement.outerHTML,
    }),
  );
}

async function statusOf(request: APIRequestContext, url: string): Promise<number> {
  return (await request.get(url)).status();
}

test.describe("issue 11: the keys page made safe for live keys", () => {
  test("the secret view asks before closing (Esc, ×, Done), downloads a .env file, and leaves nothing behind", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("secret");
    const { page, keys } = owner;
    const name = unique("Prod ingest");
    await keys.goto(owner.account.orgId);
    await keys.openNewKeyDialog();
    await keys.fillNewKey({ name, read: false, write: true });
    await keys.dialog.getByRole("button", { name: "Create key" }).click();
    const secret = await keys.readSecret();
    const question = keys.dialog.getByText("You haven’t copied this key. Close anyway?");

    // Esc, the × and Done all ask first; "Go back" keeps the secret on screen.
    await page.keyboard.press("Escape");
    await expect(question).toBeVisible();
    await shot(page, "secret-close-question");
    await keys.dialog.getByRole("button", { name: "Go back" }).click();
    await expect(question).toBeHidden();
    await keys.dialog.getByRole("button", { name: "Close", exact: true }).click();
    await expect(question).toBeVisible();
    await keys.dialog.getByRole("button", { name: "Go back" }).click();
    await keys.dialog.getByRole("button", { name: /^Done/ }).click();
    await expect(question).toBeVisible();
    await keys.dialog.getByRole("button", { name: "Go back" }).click();
    await expect(keys.dialog.getByTestId("key-secret")).toHaveText(secret);

    // Download saves a .env file with the key's name, id, permissions and the secret.
    const downloading = page.waitForEvent("download");
    await keys.dialog.getByRole("button", { name: "Download secret as a .env file" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^keyward-prod-ingest-.*\.env$/);
    const file = readFileSync(await download.path(), "utf8");
    const keyId = (
      await apiJson<{ items: { id: string; name: string }[] }>(
        owner.context.request,
        "GET",
        `/api/orgs/${owner.account.orgId}/keys`,
      )
    ).items.find((k) => k.name === name)?.id;
    expect(file).toContain(`KEYWARD_API_KEY=${secret}\n`);
    expect(file).toContain(`# Keyward API key "${name}"`);
    expect(file).toContain(`# id: ${keyId}`);
    expect(file).toContain("# permissions: Write");

    // Saved once: Done closes at once, and the secret is nowhere in the page or its storage.
    await keys.dialog.getByRole("button", { name: "Done", exact: true }).click();
    await expect(keys.dialog).toBeHidden();
    await expect(keys.row(name)).toBeVisible();
    await expect.poll(() => storedState(page)).not.toContain(secret);
    await page.goBack();
    await page.goForward();
    await expect(keys.row(name)).toBeVisible();
    await expect.poll(() => storedState(page)).not.toContain(secret);
  });

  test("disabling from the row or the dialog offers Undo and keeps the row, marked", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("undo");
    const { page, keys } = owner;
    const { orgId } = owner.account;
    const name = unique("Checkout");
    const created = await createKeyByApi(owner, { name });
    await keys.goto(orgId);

    // From the row: the key is disabled, stays in view marked, and Undo re-enables it.
    await keys.enabledSwitch(name).click();
    const toast = page.getByRole("status").filter({ hasText: `“${name}” disabled` });
    await expect(toast).toBeVisible();
    await expect(keys.row(name)).toContainText("Disabled just now");
    await expect(keys.enabledSwitch(name)).toHaveAttribute("aria-checked", "false");
    await shot(page, "disable-undo-toast");
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(keys.enabledSwitch(name)).toHaveAttribute("aria-checked", "true");
    await expect(keys.row(name)).not.toContainText("Disabled just now");
    await expect
      .poll(
        async () =>
          (
            await apiJson<{ enabled: boolean }>(
              page.request,
              "GET",
              `/api/orgs/${orgId}/keys/${created.key.id}`,
            )
          ).enabled,
      )
      .toBe(true);

    // From the dialog: a confirmation that names the exact key, then the same Undo.
    await keys.openKey(name);
    await keys.dialog.getByLabel("Enabled", { exact: true }).uncheck();
    await keys.dialog.getByRole("button", { name: "Save changes" }).click();
    const confirm = page.getByRole("alertdialog", { name: `Disable “${name}”?` });
    await expect(confirm).toContainText(`${created.key.start}…`);
    await expect(confirm).toContainText("Personal");
    await expect(confirm).toContainText("Active");
    await expect(confirm).toContainText(/Last used\s*Never/);
    await shot(page, "disable-from-dialog-confirm");
    await confirm.getByRole("button", { name: "Disable key" }).click();
    await expect(keys.row(name)).toContainText("Disabled just now");
    await page
      .getByRole("status")
      .filter({ hasText: `“${name}” disabled` })
      .getByRole("button", { name: "Undo" })
      .click();
    await expect(keys.enabledSwitch(name)).toHaveAttribute("aria-checked", "true");

    // Undo is audited as an enable.
    await page.goto(`/orgs/${orgId}/audit?keyId=${created.key.id}`);
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await expect(page.locator('tbody tr[data-action="key.enabled"]')).toHaveCount(2);
    await expect(page.locator('tbody tr[data-action="key.disabled"]')).toHaveCount(2);
  });

  test("the delete confirmation and roll-now name the exact key; a rolled pair is linked both ways", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("roll");
    const { page, keys } = owner;
    const { orgId } = owner.account;
    const name = unique("Pipeline");
    const old = await createKeyByApi(owner, { name, orgWide: true });
    const rolled = await apiJson<Created>(
      page.request,
      "POST",
      `/api/orgs/${orgId}/keys/${old.key.id}/roll`,
      { graceSeconds: 86_400 },
    );
    await keys.goto(orgId);

    const oldRow = keys.rowByHint(old.secret);
    const newRow = keys.rowByHint(rolled.secret);
    await expect(oldRow.getByTestId("replaced-by")).toHaveText(
      `replaced by ${rolled.key.start}… · expires in 24 hours`,
    );
    await expect(newRow.getByTestId("rolled-from")).toHaveText(`rolled from ${old.key.start}…`);
    await shot(page, "rolled-pair-linked");
    // The link opens the other key.
    await oldRow.getByRole("button", { name: `${rolled.key.start}…` }).click();
    await expect(keys.dialog.getByText(`${rolled.key.start}…`).first()).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(keys.dialog).toBeHidden();

    // Delete names prefix, type, status and last use: the two rows share a name.
    await oldRow.getByRole("button", { name: `Delete ${name}` }).click();
    const confirm = page.getByRole("alertdialog", { name: `Delete “${name}”?` });
    await expect(confirm).toContainText(`${old.key.start}…`);
    await expect(confirm).toContainText("Org-Wide");
    await expect(confirm).toContainText("Expires in 24 hours");
    await expect(confirm).toContainText(/Last used\s*Never/);
    await shot(page, "delete-confirm-prefix");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();

    // Rolling with no grace says which key stops at once.
    await newRow.getByRole("button", { name: `Roll ${name}` }).click();
    await keys.dialog.getByRole("radio", { name: /^Now/ }).check();
    const warning = keys.dialog.getByText("This key stops working as soon as you roll");
    await expect(warning).toBeVisible();
    await expect(keys.dialog).toContainText(`${rolled.key.start}…`);
    await keys.dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(keys.dialog).toBeHidden();
  });

  test("'Last used' changes on an open page without a reload", async ({ signUp }) => {
    const owner = await signUp("usage");
    const { keys } = owner;
    const name = unique("Beacon");
    const created = await createKeyByApi(owner, { name });
    await keys.goto(owner.account.orgId);
    await expect(keys.row(name)).toContainText("Last used never");
    const used = await owner.context.request.get("/v1/key", {
      headers: { "x-api-token": created.secret },
    });
    expect(used.status()).toBe(200);
    // Uses are written in batches (≤ 30 s) and the page refetches every 10 s while visible.
    await expect(keys.row(name)).toContainText(/Last used (just now|1 minute ago)/, {
      timeout: 60_000,
    });
  });

  test("pending invites are listed, copied as a new link, and revoked; the audit names the member", async ({
    signUp,
    invite,
    shot,
  }) => {
    const owner = await signUp("inviter");
    const { page } = owner;
    const { orgId } = owner.account;
    const email = uniqueEmail("pending");
    const first = await apiJson<{ token: string }>(
      page.request,
      "POST",
      `/api/orgs/${orgId}/invites`,
      { email, role: "admin" },
    );
    await page.goto(`/orgs/${orgId}/members`);
    await expect(page).toHaveTitle(`Members & settings · ${owner.account.orgName} · Keyward`);
    const row = page.getByRole("table", { name: "Pending invites" }).getByRole("row").filter({
      hasText: email,
    });
    await expect(row).toContainText("Admin");
    await expect(row).toContainText(owner.account.name);
    await expect(row).toContainText("in 7 days");
    await expect(page.getByText(/makes a\s+fresh link and copies it/)).toBeVisible();

    // The only admin can't be demoted or removed, and the page says why.
    const self = page.getByRole("row").filter({ hasText: owner.account.email });
    await expect(
      self.getByRole("combobox", { name: `Role of ${owner.account.name}` }),
    ).toBeDisabled();
    await expect(self).toContainText("The only admin: make someone else an admin first.");
    await expect(self.getByRole("button", { name: /Remove/ })).toHaveCount(0);
    await shot(page, "members-pending-invites", { fullPage: true });

    // Copy a new link: the clipboard holds a working link, the first one stops working.
    await row.getByRole("button", { name: `Copy new link for ${email}` }).click();
    await expect(row.getByRole("button", { name: `Copy new link for ${email}` })).toHaveText(
      /Copied/,
    );
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toMatch(/\/invites\/[\w-]+$/);
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const token = link.split("/invites/")[1] ?? "";
    expect(token).not.toBe(first.token);
    await expect.poll(() => statusOf(page.request, `/api/invites/${first.token}`)).toBe(404);
    await expect.poll(() => statusOf(page.request, `/api/invites/${token}`)).toBe(200);

    // Revoke: gone from the list, and the link is dead.
    await row.getByRole("button", { name: `Revoke the invite for ${email}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke invite" }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByText("No pending invites.")).toBeVisible();
    await expect.poll(() => statusOf(page.request, `/api/invites/${token}`)).toBe(404);

    // A member's rights changed: the audit log names them and the field.
    const member = await invite(owner);
    await page.reload();
    await page
      .getByRole("checkbox", { name: `Manage personal keys: ${member.account.name}`, exact: true })
      .check();
    await expect(
      page.getByRole("status").filter({ hasText: "may now manage personal keys" }),
    ).toBeVisible();
    await page.getByRole("link", { name: "Audit log" }).click();
    const updated = page.locator('tbody tr[data-action="member.updated"]');
    await expect(updated).toContainText(member.account.name);
    await expect(updated).toContainText(member.account.email);
    await expect(updated).toContainText("Manage personal keys: no → yes");
    await expect(page.locator('tbody tr[data-action="invite.revoked"]')).toContainText(email);
    await shot(page, "audit-names-member", { fullPage: true });
  });

  test("a Write-only key widened to Read warns; the sort is kept in the URL; phone cards keep the facts", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("phone");
    const { page, keys } = owner;
    const { orgId } = owner.account;
    const name = unique("Browser SDK");
    await createKeyByApi(owner, { name });
    await createKeyByApi(owner, { name: unique("Another") });
    await keys.goto(orgId);
    await expect(page).toHaveTitle(`API Keys · ${owner.account.orgName} · Keyward`);

    await keys.openKey(name);
    const warning = keys.dialog.getByText("This key would be able to read metrics");
    await expect(warning).toHaveCount(0);
    await keys.dialog.getByLabel("Read", { exact: true }).check();
    await expect(warning).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(keys.dialog).toBeHidden();

    await keys.table.getByRole("button", { name: "Name" }).click();
    await expect(page).toHaveURL(/[?&]sort=name\b/);
    await page.reload();
    await expect(keys.table.getByRole("columnheader", { name: "Name" })).toHaveAttribute(
      "aria-sort",
      "ascending",
    );

    await page.setViewportSize({ width: 390, height: 844 });
    const card = keys.row(name);
    await expect(card.getByText(/^Personal · Write · Active$/)).toBeVisible();
    await expect(card.getByText(`${owner.account.name} · Last used never`)).toBeVisible();
    await shot(page, "keys-cards-390", { fullPage: true });
  });
});

test.describe("issue 11: serving", () => {
  test("hashed assets are compressed and immutable; index.html is not cached; unknown files are 404", async ({
    request,
  }) => {
    const index = await request.get("/orgs/anything/keys");
    expect(index.status()).toBe(200);
    expect(index.headers()["cache-control"]).toBe("no-cache");
    const html = await index.text();
    expect(html).toMatch(/<meta\s+name="description"\s+content="[^"]{40,}"/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? "";
    expect(script).not.toBe("");

    for (const encoding of ["br", "gzip"]) {
      const asset = await request.get(script, { headers: { "accept-encoding": encoding } });
      expect(asset.status()).toBe(200);
      expect(asset.headers()["content-encoding"]).toBe(encoding);
      expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
    expect(html).not.toContain("sourceMappingURL");
    expect((await request.get(script)).headers().sourcemap).toBeUndefined();
    expect(await statusOf(request, `${script}.map`)).toBe(404);

    const robots = await request.get("/robots.txt");
    expect(robots.status()).toBe(200);
    expect(await robots.text()).toContain("User-agent: *");
    expect(await statusOf(request, "/nope.png")).toBe(404);
    expect(await statusOf(request, "/orgs/x/nope.js")).toBe(404);
    // API answers are never compressed (they carry secrets: BREACH).
    const me = await request.get("/api/me", { headers: { "accept-encoding": "br, gzip" } });
    expect(me.headers()["content-encoding"]).toBeUndefined();
  });

  test("/docs leads back to the app with touch targets of at least 24 px", async ({ page }) => {
    await page.goto("/docs");
    const back = page.getByRole("link", { name: "← Back to the app" });
    await expect(back).toBeVisible();
    await expect(back).toHaveAttribute("href", "/");
    const smallTargets = () =>
      page.evaluate(
        () =>
          // The header and the table of contents (links inside the text are exempt, WCAG 2.5.8).
          [...document.querySelectorAll("header a, nav a")].filter((a) => {
            const box = a.getBoundingClientRect();
            return box.height < 24;
          }).length,
      );
    await expect.poll(smallTargets).toBe(0);
    await expect(page).toHaveTitle(/reference/);
  });
});

test("a page that is out of date says why plainly when a change is refused", async ({
  signUp,
  invite,
}) => {
  const owner = await signUp("stale");
  const { orgId } = owner.account;
  const member = await invite(owner, "member", "stale-member");
  const name = unique("Shared");
  await createKeyByApi(owner, { name, orgWide: true });
  await member.keys.goto(orgId);
  await expect(member.keys.enabledSwitch(name)).toBeEnabled();
  // The admin restricts org-wide keys while the member's page is open.
  expect(
    (
      await apiCall(owner.context.request, "PATCH", `/api/orgs/${orgId}`, {
        orgKeyPolicy: "restricted",
      })
    ).status(),
  ).toBe(200);
  await member.keys.enabledSwitch(name).click();
  const refusal = member.page.getByRole("status").filter({ hasText: "You can’t do this any more" });
  await expect(refusal).toBeVisible();
  await expect(member.page.getByText(/manageOrgKeys|granted/)).toHaveCount(0);
  // …and the page now shows the reason on the row.
  await expect(
    member.keys
      .row(name)
      .getByRole("button", { name: "Read-only: org-wide keys are changed by admins" }),
  ).toBeVisible();
});
