import type { Page } from "@playwright/test";
import { apiJson, createKeyByApi, expect, test } from "./support/fixtures";

// Names are data: an org, a person and keys named after XSS payloads must render as text on every
// page that shows them, with no script run, and the app must keep working under its CSP.
const PAYLOADS = [
  `<img src=x onerror="window.__xss='img';alert('img')">`,
  `<script>window.__xss='script';alert('script')</script>`,
  `"><svg onload="window.__xss='svg';alert('svg')">`,
  `'><iframe srcdoc="<script>parent.__xss='iframe'</script>">`,
  `<a href="javascript:window.__xss='href'">click</a>`,
];

interface Watch {
  dialogs: string[];
  errors: string[];
  violations: string[];
}

/** Records dialogs, console errors, page errors and CSP violations of a page from its first script on. */
async function watch(page: Page): Promise<Watch> {
  const seen: Watch = { dialogs: [], errors: [], violations: [] };
  page.on("dialog", async (dialog) => {
    seen.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => seen.errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      w.__cspViolations.push(
        `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return seen;
}

async function expectNoScriptRan(page: Page, seen: Watch, where: string): Promise<void> {
  const state = await page.evaluate(() => {
    const w = window as unknown as { __xss?: unknown; __cspViolations?: string[] };
    return { xss: w.__xss, violations: w.__cspViolations ?? [] };
  });
  expect(state.xss, `${where}: an injected script ran`).toBeUndefined();
  expect(seen.dialogs, `${where}: a dialog opened`).toEqual([]);
  expect(state.violations, `${where}: CSP violations`).toEqual([]);
  expect(seen.errors, `${where}: console or page errors`).toEqual([]);
  // Nothing of the payloads became markup.
  await expect(
    page.locator("img[src='x'], svg[onload], iframe[srcdoc], a[href^='javascript:']"),
  ).toHaveCount(0);
}

test("XSS: key, org and member names that are payloads render as text, and no script runs", async ({
  signUp,
  invite,
}) => {
  const owner = await signUp("xss");
  const { orgId } = owner.account;
  // The org and a member carry payload names too.
  await apiJson(owner.context.request, "PATCH", `/api/orgs/${orgId}`, {
    name: `Org ${PAYLOADS[0]}`.slice(0, 100),
  });
  const member = await invite(owner, "member", "xssmember");
  await createKeyByApi(member, {
    name: PAYLOADS[2] ?? "",
    orgWide: false,
    permissions: { read: true, write: false },
  });
  const created: { key: { id: string } }[] = [];
  for (const name of PAYLOADS) {
    created.push(
      await createKeyByApi(owner, {
        name,
        orgWide: true,
        permissions: { read: true, write: true },
      }),
    );
  }
  // Audit events with payload values in their changes.
  const firstKey = created[0]?.key.id ?? "";
  await apiJson(owner.context.request, "PATCH", `/api/orgs/${orgId}/keys/${firstKey}`, {
    name: `${PAYLOADS[1]} renamed`.slice(0, 100),
  });
  await apiJson(owner.context.request, "PATCH", `/api/orgs/${orgId}/keys/${firstKey}`, {
    enabled: false,
  });

  const page = owner.page;
  const seen = await watch(page);

  // Keys page: every payload is listed as text.
  await page.goto(`/orgs/${orgId}/keys?disabled=1`);
  await expect(page.getByRole("heading", { name: "API Keys", level: 1 })).toBeVisible();
  for (const name of PAYLOADS.slice(1)) {
    await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
  }
  await expectNoScriptRan(page, seen, "keys page");

  // Open a key's dialog (its name is shown again there), then close it.
  await page
    .getByText(PAYLOADS[2] ?? "", { exact: true })
    .first()
    .click();
  await page.keyboard.press("Escape");
  await expectNoScriptRan(page, seen, "key dialog");

  // Members page: the member list and the org switcher show names.
  await page.goto(`/orgs/${orgId}/members`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(member.account.name).first()).toBeVisible();
  await expectNoScriptRan(page, seen, "members page");

  // Audit page (key names and changed values).
  await page.goto(`/orgs/${orgId}/audit`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("table")).toContainText(`${PAYLOADS[1]} renamed`);
  await expect(page.getByRole("table")).toContainText(PAYLOADS[4] ?? "");
  await expectNoScriptRan(page, seen, "audit page");

  // The member's view of the same org.
  const memberSeen = await watch(member.page);
  await member.page.goto(`/orgs/${orgId}/keys`);
  await expect(member.page.getByText(PAYLOADS[2] ?? "", { exact: true }).first()).toBeVisible();
  await expectNoScriptRan(member.page, memberSeen, "member's keys page");
});
