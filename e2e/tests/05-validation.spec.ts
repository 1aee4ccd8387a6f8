import { apiJson, expect, test, unique } from "./support/fixtures";

test("journey 5: an empty name and no permission give field errors and create nothing", async ({
  signUp,
}) => {
  // An org of its own, so that counting its keys is not disturbed by parallel tests.
  const { page, keys, account, context } = await signUp("validator");
  const countKeys = async () => {
    const answer = await apiJson<{ items: unknown[]; nextCursor: string | null }>(
      context.request,
      "GET",
      `/api/orgs/${account.orgId}/keys?includeDisabled=true&limit=100`,
    );
    return answer.items.length;
  };

  await keys.goto(account.orgId);
  const before = await countKeys();
  let posted = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().includes("/keys")) posted++;
  });

  const dialog = await keys.openNewKeyDialog();
  await dialog.getByLabel("Name", { exact: true }).fill("   ");
  await dialog.getByLabel("Read", { exact: true }).uncheck();
  await dialog.getByLabel("Write", { exact: true }).uncheck();
  await dialog.getByRole("button", { name: "Create key" }).click();

  const nameField = dialog.getByLabel("Name", { exact: true });
  await expect(nameField).toHaveAttribute("aria-invalid", "true");
  await expect(nameField).toHaveAccessibleDescription("Name must not be empty.");
  await expect(dialog.getByText("Choose at least one permission: Read or Write.")).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "New API key" })).toBeVisible();

  // Too long a name is refused the same way (the server's rule, 100 characters).
  await nameField.fill("x".repeat(101));
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(nameField).toHaveAccessibleDescription("Name must be at most 100 characters.");

  expect(posted).toBe(0);
  await expect.poll(countKeys).toBe(before);

  // Fixing both fields creates exactly one key.
  const name = unique("Fixed");
  await nameField.fill(name);
  await dialog.getByLabel("Write", { exact: true }).check();
  await expect(dialog.getByText("Choose at least one permission: Read or Write.")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Create key" }).click();
  await keys.readSecret();
  await keys.closeSecret();
  await expect(keys.row(name)).toBeVisible();
  expect(posted).toBe(1);
  await expect.poll(countKeys).toBe(before + 1);
});

test("server field errors appear next to the field they name", async ({
  admin,
  keysPage: keys,
  page,
}) => {
  await keys.goto(admin.orgId);
  // Stand in for a server rule the browser does not know: the answer names the field.
  await page.route(`**/api/orgs/${admin.orgId}/keys`, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    await route.fulfill({
      status: 400,
      contentType: "application/json",
      body: JSON.stringify({
        error: {
          code: "invalid_request",
          message: "name: is already used by another key",
          requestId: "req_e2e",
          details: [{ field: "name", message: "is already used by another key" }],
        },
      }),
    });
  });
  const dialog = await keys.openNewKeyDialog();
  await dialog.getByLabel("Name", { exact: true }).fill(unique("Duplicate"));
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(
    "Name is already used by another key.",
  );
  await expect(dialog.getByRole("heading", { name: "New API key" })).toBeVisible();
});
