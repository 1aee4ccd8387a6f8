import { expect, type Locator, type Page } from "@playwright/test";

export interface NewKey {
  name: string;
  read?: boolean;
  write?: boolean;
  orgWide?: boolean;
}

/** The API Keys page, as a user sees it: roles and labels only, no CSS selectors. */
export class KeysPage {
  constructor(readonly page: Page) {}

  async goto(orgId: string, query = ""): Promise<void> {
    await this.page.goto(`/orgs/${orgId}/keys${query}`);
    await expect(this.page.getByRole("heading", { name: "API Keys", level: 1 })).toBeVisible();
  }

  get addButton(): Locator {
    return this.page.getByRole("button", { name: "Add New" }).first();
  }

  get dialog(): Locator {
    return this.page.getByRole("dialog");
  }

  get table(): Locator {
    return this.page.getByRole("table", { name: "API keys" });
  }

  row(name: string): Locator {
    return this.table
      .getByRole("row")
      .filter({ has: this.page.getByRole("button", { name, exact: true }) });
  }

  /** The row of one key among several of the same name (e.g. after a roll), by its hint. */
  rowByHint(secretOrStart: string): Locator {
    // Its own hint only: a rolled key's row also names the other key's hint.
    const hint = this.page
      .getByTitle("The first characters of the key")
      .getByText(`${secretOrStart.slice(0, 8)}…`, { exact: true });
    return this.table.getByRole("row").filter({ has: hint });
  }

  enabledSwitch(name: string): Locator {
    return this.page.getByRole("switch", { name: `Enabled: ${name}`, exact: true });
  }

  async openNewKeyDialog(): Promise<Locator> {
    await this.addButton.click();
    await expect(this.dialog).toBeVisible();
    await expect(this.dialog.getByRole("heading", { name: "New API key" })).toBeVisible();
    return this.dialog;
  }

  /** Fills the dialog as asked; Read starts checked, Write unchecked. */
  async fillNewKey(key: NewKey): Promise<void> {
    const dialog = this.dialog;
    await dialog.getByLabel("Name", { exact: true }).fill(key.name);
    await dialog.getByLabel("Read", { exact: true }).setChecked(key.read ?? true);
    await dialog.getByLabel("Write", { exact: true }).setChecked(key.write ?? false);
    if (key.orgWide !== undefined) {
      await dialog.getByLabel("Org-Wide", { exact: true }).setChecked(key.orgWide);
    }
  }

  /** Creates a key through the dialog and returns the secret from the one-time view. */
  async createKey(key: NewKey): Promise<string> {
    await this.openNewKeyDialog();
    await this.fillNewKey(key);
    await this.dialog.getByRole("button", { name: "Create key" }).click();
    const secret = await this.readSecret();
    await this.closeSecret();
    await expect(this.row(key.name)).toBeVisible();
    return secret;
  }

  async readSecret(): Promise<string> {
    await expect(this.dialog.getByRole("heading", { name: "Your new API key" })).toBeVisible();
    const value = this.dialog.getByTestId("key-secret");
    await expect(value).toHaveText(/^kw_[0-9A-Za-z]{38}$/);
    return (await value.textContent())?.trim() ?? "";
  }

  /** Copies the secret (as a careful user would), then Done: no "close anyway?" question. */
  async closeSecret(): Promise<void> {
    const copy = this.dialog.getByRole("button", { name: "Copy secret" });
    await copy.click();
    await expect(copy).toHaveText(/Copied/);
    await this.dialog.getByRole("button", { name: /^Done/ }).click();
    await expect(this.dialog).toBeHidden();
  }

  async openKey(name: string): Promise<Locator> {
    await this.table.getByRole("button", { name, exact: true }).click();
    await expect(this.dialog).toBeVisible();
    return this.dialog;
  }

  async setIncludeDisabled(on: boolean): Promise<void> {
    const filter = this.page.getByRole("button", { name: "Filter", exact: true });
    await filter.click();
    const toggle = this.page.getByRole("switch", { name: "Disabled", exact: true });
    await expect(toggle).toBeVisible();
    if ((await toggle.getAttribute("aria-checked")) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", String(on));
    await this.page.keyboard.press("Escape");
    await expect(toggle).toBeHidden();
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Search keys by name" }).fill(text);
    await expect(this.page).toHaveURL(
      new RegExp(`[?&]q=${encodeURIComponent(text).replace(/%20/g, "\\+")}`),
    );
  }
}
