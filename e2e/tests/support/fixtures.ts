import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import type { KeyWithSecretAnswer } from "@keyward/shared";
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from "@playwright/test";
import { KeysPage } from "./keys-page";

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_ROOT = path.resolve(here, "..", "..");
export const ARTIFACTS = path.join(E2E_ROOT, "artifacts");
/** Set by playwright.config.ts (E2E_RUN_DIR, default e2e/artifacts). */
const RUN_DIR = process.env.E2E_RUN_DIR ?? ARTIFACTS;
export const ADMIN_STATE = path.join(RUN_DIR, ".auth", "admin.json");
export const ADMIN_INFO = path.join(RUN_DIR, ".auth", "admin-info.json");
export const SCREENSHOTS = path.join(ARTIFACTS, "screenshots");

export const PASSWORD = "correct horse battery staple";

export interface Account {
  name: string;
  email: string;
  password: string;
  orgId: string;
  orgName: string;
}

/** Unique per call, so parallel tests in one database never collide. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/**
 * A session API call the way the SPA makes it (cookie of the context + CSRF header).
 * A request that meets a keep-alive socket the server is just closing fails with ECONNRESET
 * before the server sees it; that one case is retried.
 */
export async function apiCall(
  request: APIRequestContext,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  data?: unknown,
) {
  const send = () =>
    request.fetch(url, {
      method,
      headers: { "x-requested-with": "keyward" },
      ...(data === undefined ? {} : { data }),
    });
  try {
    return await send();
  } catch (error) {
    if (!String(error).includes("ECONNRESET")) throw error;
    return send();
  }
}

export async function apiJson<T>(
  request: APIRequestContext,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  data?: unknown,
): Promise<T> {
  const response = await apiCall(request, method, url, data);
  expect(response.ok(), `${method} ${url} → ${response.status()} ${await response.text()}`).toBe(
    true,
  );
  return (await response.json()) as T;
}

export interface Session {
  context: BrowserContext;
  page: Page;
  account: Account;
  keys: KeysPage;
}

export interface KeyBody {
  name: string;
  orgWide?: boolean;
  permissions?: { read: boolean; write: boolean };
}

/**
 * A key made through the session API by `session`'s user, in their org: personal and Write-only
 * unless `body` says otherwise. Answers the key and its secret.
 */
export function createKeyByApi(session: Session, body: KeyBody): Promise<KeyWithSecretAnswer> {
  const { request } = session.context;
  return apiJson<KeyWithSecretAnswer>(request, "POST", `/api/orgs/${session.account.orgId}/keys`, {
    orgWide: false,
    permissions: { read: false, write: true },
    ...body,
  });
}

interface Fixtures {
  /** The account the setup project signed up; the default `page` is signed in as it. */
  admin: Account;
  keysPage: KeysPage;
  /** Fresh, signed-out browser contexts (closed after the test). */
  newContext: () => Promise<BrowserContext>;
  /** A brand-new account with its own org, signed in, in its own browser context. */
  signUp: (prefix?: string) => Promise<Session>;
  /** A new person who joins `owner`'s org through an invite link, in their own context. */
  invite: (owner: Session, role?: "admin" | "member", prefix?: string) => Promise<Session>;
  /** Axe scan of the page; returns the serious and critical violations (expected empty). */
  axe: (page: Page) => Promise<{ id: string; impact: string; help: string; targets: string[] }[]>;
  /** Saves a screenshot under e2e/artifacts/screenshots and attaches it to the report. */
  shot: (page: Page, name: string, options?: { fullPage?: boolean }) => Promise<void>;
}

async function freshContext(
  browser: Browser,
  baseURL: string | undefined,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 800 },
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  return context;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
  admin: async ({}, use) => {
    await use(JSON.parse(readFileSync(ADMIN_INFO, "utf8")) as Account);
  },

  context: async ({ context }, use) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await use(context);
  },

  keysPage: async ({ page }, use) => {
    await use(new KeysPage(page));
  },

  newContext: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await freshContext(browser, baseURL);
      contexts.push(context);
      return context;
    });
    await Promise.all(contexts.map((c) => c.close()));
  },

  signUp: async ({ newContext }, use) => {
    await use(async (prefix = "owner") => {
      const context = await newContext();
      const account = {
        name: `${prefix[0]?.toUpperCase()}${prefix.slice(1)} ${Math.random().toString(36).slice(2, 6)}`,
        email: uniqueEmail(prefix),
        password: PASSWORD,
        orgName: unique("Org"),
      };
      const answer = await apiJson<{ orgs: { id: string }[] }>(
        context.request,
        "POST",
        "/api/auth/signup",
        account,
      );
      const orgId = answer.orgs[0]?.id;
      if (!orgId) throw new Error("signup answered no org");
      const page = await context.newPage();
      return { context, page, account: { ...account, orgId }, keys: new KeysPage(page) };
    });
  },

  invite: async ({ newContext }, use) => {
    await use(async (owner, role = "member", prefix = "member") => {
      const email = uniqueEmail(prefix);
      const created = await apiJson<{ token: string }>(
        owner.context.request,
        "POST",
        `/api/orgs/${owner.account.orgId}/invites`,
        { email, role },
      );
      const context = await newContext();
      const name = `${prefix[0]?.toUpperCase()}${prefix.slice(1)} ${Math.random().toString(36).slice(2, 6)}`;
      await apiJson(context.request, "POST", `/api/invites/${created.token}/accept`, {
        name,
        password: PASSWORD,
      });
      const page = await context.newPage();
      const account = {
        name,
        email,
        password: PASSWORD,
        orgId: owner.account.orgId,
        orgName: owner.account.orgName,
      };
      return { context, page, account, keys: new KeysPage(page) };
    });
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
  axe: async ({}, use) => {
    await use(async (page) => {
      const results = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
        .analyze();
      return results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({
          id: v.id,
          impact: v.impact ?? "",
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(" ")),
        }));
    });
  },

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
  shot: async ({}, use, testInfo) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await use(async (page, name, options) => {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({
        path: file,
        fullPage: options?.fullPage ?? false,
        animations: "disabled",
      });
      await testInfo.attach(name, { path: file, contentType: "image/png" });
    });
  },
});

export { expect };
