import { apiCall, apiJson, expect, PASSWORD, test, unique, uniqueEmail } from "./support/fixtures";
import { KeysPage } from "./support/keys-page";

test("journey 3: restricted org-wide keys, then the manageOrgKeys grant", async ({
  signUp,
  newContext,
  shot,
}) => {
  const owner = await signUp("owner");
  const { orgId } = owner.account;
  const adminPage = owner.page;

  // The admin creates an org-wide key.
  const sharedKey = unique("Shared ingest");
  await owner.keys.goto(orgId);
  await owner.keys.createKey({ name: sharedKey, write: true, orgWide: true });
  await expect(owner.keys.row(sharedKey)).toContainText("Org-Wide");

  // …invites a member through the UI and copies the link.
  const memberEmail = uniqueEmail("member");
  await adminPage.getByRole("link", { name: "Members & settings" }).click();
  await adminPage.getByRole("button", { name: "Invite", exact: true }).click();
  const inviteDialog = adminPage.getByRole("dialog");
  await inviteDialog.getByLabel("Email").fill(memberEmail);
  await inviteDialog.getByLabel("Role").selectOption("member");
  await inviteDialog.getByRole("button", { name: "Create invite link" }).click();
  await expect(inviteDialog.getByTestId("invite-link")).toHaveText(
    /^http:\/\/localhost:\d+\/invites\/.+/,
  );
  const link = (await inviteDialog.getByTestId("invite-link").textContent())?.trim() ?? "";
  expect(link).toMatch(/^http:\/\/localhost:\d+\/invites\/.+/);
  await inviteDialog.getByRole("button", { name: "Copy invite link" }).click();
  await expect.poll(() => adminPage.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await inviteDialog.getByRole("button", { name: "Done" }).click();

  // The member opens the link in a second browser and joins.
  const memberContext = await newContext();
  const memberPage = await memberContext.newPage();
  const member = new KeysPage(memberPage);
  await memberPage.goto(link);
  await expect(
    memberPage.getByRole("heading", { name: `Join ${owner.account.orgName}` }),
  ).toBeVisible();
  await expect(memberPage.getByLabel("Email")).toHaveValue(memberEmail);
  await memberPage.getByLabel("Your name").fill("Mo Member");
  await memberPage.getByLabel("Choose a password").fill(PASSWORD);
  await memberPage.getByRole("button", { name: `Join ${owner.account.orgName}` }).click();
  await expect(memberPage).toHaveURL(new RegExp(`/orgs/${orgId}/keys$`));
  // Members do not get the admin tab.
  await expect(memberPage.getByRole("link", { name: "Members & settings" })).toHaveCount(0);

  // The admin restricts org-wide keys.
  await adminPage.reload();
  await expect(adminPage.getByRole("row").filter({ hasText: memberEmail })).toBeVisible();
  await adminPage.getByRole("radio", { name: /Restricted/ }).check();
  await adminPage.getByRole("button", { name: "Save settings" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
  await shot(adminPage, "members-page", { fullPage: true });

  // The member sees the org-wide key but may neither create nor edit org-wide keys.
  await member.goto(orgId);
  await expect(member.row(sharedKey)).toBeVisible();
  await expect(member.enabledSwitch(sharedKey)).toBeDisabled();
  // Why, in plain words on the row itself (no hover), reachable by keyboard; no Delete or Roll
  // button that would claim to delete.
  const reason = member
    .row(sharedKey)
    .getByRole("button", { name: "Read-only: org-wide keys are changed by admins" });
  await expect(reason).toBeVisible();
  await reason.focus();
  await expect(reason).toBeFocused();
  await expect(member.row(sharedKey).getByRole("button", { name: /Delete|Roll/ })).toHaveCount(0);
  await shot(memberPage, "locked-row-reason");

  await member.openNewKeyDialog();
  const orgWide = member.dialog.getByLabel("Org-Wide", { exact: true });
  await expect(orgWide).toBeDisabled();
  await expect(orgWide).toHaveAccessibleDescription(/lets only admins.*create org-wide keys/);
  await member.dialog.getByRole("button", { name: "Cancel" }).click();

  // The reason opens the key, read-only, at its top with the explanation.
  await reason.click();
  await expect(member.dialog.getByText("Read-only", { exact: true })).toBeInViewport();
  await expect(member.dialog.getByText(/lets only admins.*change org-wide keys/)).toBeInViewport();
  await expect(member.dialog.getByText(/manageOrgKeys|granted/)).toHaveCount(0);
  await expect(member.dialog.getByLabel("Expiration", { exact: true })).toContainText(
    "Never expires",
  );
  await shot(memberPage, "read-only-dialog");
  await expect(member.dialog.getByLabel("Name", { exact: true })).toBeDisabled();
  await expect(member.dialog.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  await member.dialog.getByRole("button", { name: "Close" }).last().click();
  await expect(member.dialog).toBeHidden();

  // Forcing it through the API is refused.
  const list = await apiJson<{ items: { id: string; name: string }[] }>(
    memberContext.request,
    "GET",
    `/api/orgs/${orgId}/keys`,
  );
  const shared = list.items.find((k) => k.name === sharedKey);
  expect(shared).toBeDefined();
  const patch = await apiCall(
    memberContext.request,
    "PATCH",
    `/api/orgs/${orgId}/keys/${shared?.id}`,
    {
      name: "hijacked",
    },
  );
  expect(patch.status()).toBe(403);
  const create = await apiCall(memberContext.request, "POST", `/api/orgs/${orgId}/keys`, {
    name: "sneaky org key",
    orgWide: true,
    permissions: { read: true, write: false },
  });
  expect(create.status()).toBe(403);

  // The admin grants manageOrgKeys from the members table.
  await adminPage
    .getByRole("checkbox", { name: "Manage org keys: Mo Member", exact: true })
    .check();
  await expect(
    adminPage.getByRole("status").filter({ hasText: "may now manage org keys" }),
  ).toBeVisible();

  // Now the member can create and edit org-wide keys: their open page shows it when they come
  // back to the tab, without a reload.
  await memberPage.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
  await expect(member.enabledSwitch(sharedKey)).toBeEnabled();
  await expect(member.row(sharedKey).getByRole("button", { name: /^Read-only/ })).toHaveCount(0);
  await member.openNewKeyDialog();
  await expect(member.dialog.getByLabel("Org-Wide", { exact: true })).toBeEnabled();
  await member.dialog.getByRole("button", { name: "Cancel" }).click();

  const renamed = unique("Shared ingest v2");
  await member.openKey(sharedKey);
  await member.dialog.getByLabel("Name", { exact: true }).fill(renamed);
  await member.dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(member.dialog).toBeHidden();
  await expect(member.row(renamed)).toBeVisible();

  const memberOrgKey = unique("Member org key");
  await member.createKey({ name: memberOrgKey, orgWide: true });
  await expect(member.row(memberOrgKey)).toContainText("Org-Wide");
});
