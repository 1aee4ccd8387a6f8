import { apiCall, apiJson, expect, test, unique } from "./support/fixtures";

test("journey 4: personal keys are private to their owner, admins and managePersonalKeys holders", async ({
  signUp,
  invite,
}) => {
  const owner = await signUp("owner");
  const { orgId } = owner.account;
  const bea = await invite(owner, "member", "bea");
  const cal = await invite(owner, "member", "cal");

  // Bea creates a personal key.
  const beaKey = unique("Bea laptop");
  await bea.keys.goto(orgId);
  await bea.keys.createKey({ name: beaKey, write: true });
  const beaList = await apiJson<{ items: { id: string; name: string }[] }>(
    bea.context.request,
    "GET",
    `/api/orgs/${orgId}/keys?q=${encodeURIComponent(beaKey)}`,
  );
  const keyId = beaList.items.find((k) => k.name === beaKey)?.id;
  expect(keyId).toBeDefined();

  // Cal, another member, does not see it at all: not in the table, 404 from the API.
  await cal.keys.goto(orgId, "?disabled=1");
  await expect(cal.page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await cal.keys.search(beaKey);
  await expect(cal.page.getByRole("heading", { name: "No keys match" })).toBeVisible();
  const hidden = await apiCall(cal.context.request, "GET", `/api/orgs/${orgId}/keys/${keyId}`);
  expect(hidden.status()).toBe(404);

  // The admin sees it, with its owner, and may edit it.
  await owner.keys.goto(orgId);
  const row = owner.keys.row(beaKey);
  await expect(row).toBeVisible();
  await expect(row).toContainText(bea.account.name);
  await expect(owner.keys.enabledSwitch(beaKey)).toBeEnabled();
  await owner.keys.openKey(beaKey);
  await expect(owner.keys.dialog.getByText("Read-only")).toHaveCount(0);
  await owner.keys.dialog.getByLabel("Read", { exact: true }).uncheck();
  await owner.keys.dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(owner.keys.dialog).toBeHidden();
  await expect(row).not.toContainText("Read");
  await expect(row).toContainText("Write");

  // The admin grants Cal managePersonalKeys from the members table.
  await owner.page.goto(`/orgs/${orgId}/members`);
  await owner.page
    .getByRole("checkbox", { name: `Manage personal keys: ${cal.account.name}`, exact: true })
    .check();
  await expect(
    owner.page.getByRole("status").filter({ hasText: "may now manage personal keys" }),
  ).toBeVisible();

  // Now Cal sees Bea's key, with its owner, and may edit it.
  await cal.keys.goto(orgId);
  await expect(cal.keys.row(beaKey)).toBeVisible();
  await expect(cal.keys.row(beaKey)).toContainText(bea.account.name);
  await cal.keys.openKey(beaKey);
  await expect(cal.keys.dialog.getByText("Read-only")).toHaveCount(0);
  const renamed = unique("Bea laptop (rotated)");
  await cal.keys.dialog.getByLabel("Name", { exact: true }).fill(renamed);
  await cal.keys.dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(cal.keys.dialog).toBeHidden();
  await expect(cal.keys.row(renamed)).toBeVisible();

  // Bea sees the change on her own key.
  await bea.keys.goto(orgId);
  await expect(bea.keys.row(renamed)).toBeVisible();
});
