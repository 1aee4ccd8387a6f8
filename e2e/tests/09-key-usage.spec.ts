import type { KeyUsageAnswer } from "@keyward/shared";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { apiJson, createKeyByApi, expect, type Session, test, unique } from "./support/fixtures";

/** Sends `times` requests with a key to a /v1 path; answers the statuses. */
async function traffic(request: APIRequestContext, secret: string, path: string, times: number) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await request.get(path, { headers: { "x-api-token": secret } });
    statuses.push(res.status());
  }
  return statuses;
}

/** Waits (retrying) until the server has written a key's counts: they are written every second. */
async function counted(request: APIRequestContext, orgId: string, keyId: string, total: number) {
  await expect
    .poll(async () => {
      const usage = await apiJson<KeyUsageAnswer>(
        request,
        "GET",
        `/api/orgs/${orgId}/keys/${keyId}/usage`,
      );
      return Object.values(usage.totals).reduce((sum, n) => sum + n, 0);
    })
    .toBe(total);
}

/** The row's last action (Delete) lies inside the keys card, and the table does not scroll. */
async function expectActionsInCard(page: Page, row: Locator) {
  const card = page.getByRole("region", { name: "API keys" });
  const lastAction = row.getByRole("button").last();
  await expect(lastAction).toHaveAccessibleName(/^Delete /);
  await expect
    .poll(
      async () => {
        const [cardBox, actionBox] = await Promise.all([
          card.boundingBox(),
          lastAction.boundingBox(),
        ]);
        if (!cardBox || !actionBox) return Number.NaN;
        return cardBox.x + cardBox.width - (actionBox.x + actionBox.width);
      },
      { message: "px from the Delete button's right edge to the card's" },
    )
    .toBeGreaterThanOrEqual(0);
  await expect
    .poll(() => card.locator(".table-wrap").evaluate((el) => el.scrollWidth - el.clientWidth))
    .toBe(0);
}

/** An org-wide Write key of `owner`'s, with Read too unless `read` is false. */
const createKey = (owner: Session, name: string, read = true) =>
  createKeyByApi(owner, { name, orgWide: true, permissions: { read, write: true } });

test.describe("journey 9: key usage", () => {
  test("the table shows each key's 24 h requests; the Usage view charts them by outcome, with a table", async ({
    signUp,
    axe,
    shot,
  }) => {
    const owner = await signUp("usage");
    const { page, keys, context } = owner;
    const { orgId } = owner.account;
    const name = unique("Writer");
    const { key, secret } = await createKey(owner, name, false);
    expect(await traffic(context.request, secret, "/v1/key", 5)).toEqual([200, 200, 200, 200, 200]);
    expect(await traffic(context.request, secret, "/v1/metrics?eventName=x", 2)).toEqual([
      403, 403,
    ]);
    await counted(context.request, orgId, key.id, 7);

    await keys.goto(orgId);
    const row = keys.row(name);
    await expect(row.getByTestId("usage-sparkline")).toBeVisible();
    await expect(row.getByTestId("usage-count")).toHaveText("7 requests · 2 refused");
    await expect(row.getByRole("list", { name: "Refused by reason" })).toHaveText(
      "Missing permission: 2",
    );
    // At 1280 px the row fits its card: its last action (Delete) is inside, nothing scrolls.
    await expectActionsInCard(page, row);
    await shot(page, "usage-column");

    const dialog = await keys.openKey(name);
    const usage = dialog.getByRole("region", { name: "Usage" });
    await expect(usage.getByText("7 requests in the last 24 h")).toBeVisible();
    await expect(usage.getByRole("list", { name: "Totals by outcome" })).toContainText("Valid: 5");
    await expect(usage.getByRole("list", { name: "Totals by outcome" })).toContainText(
      "Missing permission: 2",
    );
    const chart = usage.getByRole("img", { name: /Requests per hour by outcome/ });
    await expect(chart).toBeVisible();
    await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
    await usage.getByText("Show as a table").click();
    const table = usage.getByRole("table", { name: "Requests by outcome" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table.getByRole("row").nth(1).getByRole("cell")).toHaveText([
      "5", // valid
      "0", // rate limited
      "0", // disabled
      "0", // expired
      "2", // missing permission
      "0", // origin not allowed
      "0", // IP not allowed
      "0", // event not allowed
      "7",
    ]);
    expect(await axe(page), "usage view at 1280 px").toEqual([]);
    await shot(page, "usage-view-1280");

    await usage.getByRole("radio", { name: "1 h" }).check();
    await expect(usage.getByRole("img", { name: /Requests per minute by outcome/ })).toBeVisible();
    await expect(usage.getByText("7 requests in the last 1 h")).toBeVisible();

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(usage.getByRole("img", { name: /Requests per minute by outcome/ })).toBeVisible();
    expect(await axe(page), "usage view at 390 px").toEqual([]);
    await shot(page, "usage-view-390");
    await page.keyboard.press("Escape");
    await expect(keys.row(name).getByTestId("usage-sparkline")).toBeVisible();
    expect(await axe(page), "keys page with usage at 390 px").toEqual([]);
  });

  test("a rolled key in its grace period says whether clients still use it, and can be expired at once", async ({
    signUp,
    shot,
  }) => {
    const owner = await signUp("rotate");
    const { page, keys, context } = owner;
    const { orgId } = owner.account;
    const busy = await createKey(owner, unique("Busy"));
    const quiet = await createKey(owner, unique("Quiet"));
    for (const old of [busy, quiet]) {
      await apiJson(context.request, "POST", `/api/orgs/${orgId}/keys/${old.key.id}/roll`, {
        graceSeconds: 86_400,
      });
    }
    expect(await traffic(context.request, busy.secret, "/v1/key", 4)).toEqual([200, 200, 200, 200]);
    await counted(context.request, orgId, busy.key.id, 4);

    await keys.goto(orgId);
    const busyRow = keys.rowByHint(busy.secret);
    const quietRow = keys.rowByHint(quiet.secret);
    await expect(busyRow.getByRole("status")).toContainText(
      "4 requests in the last 15 min — clients still use this key",
    );
    await expect(quietRow.getByRole("status")).toContainText("No requests for 1 h");
    // The widest rows (a rolled key's links, its status and the notice) fit at 1280 px too.
    await expectActionsInCard(page, busyRow);
    await expectActionsInCard(page, quietRow);
    await shot(page, "rotation-assistant");

    // The same in the old key's dialog.
    await busyRow.getByRole("button", { name: busy.key.name, exact: true }).click();
    await expect(keys.dialog.getByText(/clients still use this key/)).toBeVisible();
    await page.keyboard.press("Escape");

    await busyRow.getByRole("button", { name: "Expire now" }).click();
    await expect(page.getByText(`“${busy.key.name}” expired`)).toBeVisible();
    await expect
      .poll(async () => (await traffic(context.request, busy.secret, "/v1/key", 1))[0])
      .toBe(401);
    await keys.goto(orgId);
    await expect(busyRow).toContainText("Expired");
    await expect(busyRow.getByText(/grace period/)).toHaveCount(0);
    await expect(quietRow.getByText(/grace period/)).toBeVisible();
    // The new key keeps working; the quiet old key too, until its own expiry.
    expect(await traffic(context.request, quiet.secret, "/v1/key", 1)).toEqual([200]);
  });
});
