import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiJson, expect, test, unique } from "./support/fixtures";

// A page another site would ship: it sends one event to Keyward's /v1 with a key, through fetch,
// and writes what the browser let it see.
const CLIENT_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Client site</title>
<button id="send">Send event</button>
<output id="result">idle</output>
<script>
  const params = new URLSearchParams(location.search);
  document.getElementById("send").addEventListener("click", async () => {
    const result = document.getElementById("result");
    try {
      const res = await fetch(params.get("api") + "/v1/events", {
        method: "POST",
        headers: { "x-api-token": params.get("key"), "content-type": "application/json" },
        body: JSON.stringify([{ eventName: params.get("event") }]),
      });
      result.textContent = res.status + " " + (await res.text());
    } catch (error) {
      result.textContent = "blocked: " + error.name;
    }
  });
</script>`;

/** A second local origin (http://127.0.0.1:<port>) serving the client page. */
async function clientSite(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(CLIENT_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}

const sites: Server[] = [];
test.afterEach(async () => {
  await Promise.all(
    sites.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
});

test("a restricted Write key works from its allowed web origin only", async ({
  signUp,
  baseURL,
  shot,
}) => {
  const allowed = await clientSite();
  const other = await clientSite();
  sites.push(allowed.server, other.server);
  const api = baseURL ?? "";

  const { page, keys, account } = await signUp("restrict");
  const name = unique("Web tracker");
  await keys.goto(account.orgId);

  // A Write-only org-wide key: the dialog suggests restricting it; the origin is set there.
  await keys.openNewKeyDialog();
  await keys.fillNewKey({ name, read: false, write: true, orgWide: true });
  await keys.dialog.getByText("Restrictions", { exact: true }).click();
  await expect(keys.dialog.getByText("Shipping this key in a web or mobile app?")).toBeVisible();
  await keys.dialog.getByLabel("Allowed web origins").fill(`${allowed.origin}/`);
  await keys.dialog.getByLabel("Allowed event names").fill("page_*");
  await shot(page, "key-restrictions");
  await keys.dialog.getByRole("button", { name: "Create key" }).click();
  const secret = await keys.readSecret();
  await keys.dialog.getByRole("button", { name: /^Done/ }).click();
  await expect(keys.row(name).getByText("Restricted")).toBeVisible();

  // Counts come from a server-side Read key (no Origin header: not a browser).
  const reader = await apiJson<{ secret: string }>(
    page.request,
    "POST",
    `/api/orgs/${account.orgId}/keys`,
    { name: "reader", orgWide: true, permissions: { read: true, write: false } },
  );
  const countOf = async (eventName: string) => {
    const params = new URLSearchParams({
      eventName,
      interval: "day",
      from: "2000-01-01T00:00:00Z",
    });
    const res = await page.request.get(`/v1/metrics?${params.toString()}`, {
      headers: { "x-api-token": reader.secret },
    });
    const body = (await res.json()) as { points: { count: number }[] };
    return body.points.reduce((sum, point) => sum + point.count, 0);
  };

  const clientUrl = (origin: string, event: string) =>
    `${origin}/?${new URLSearchParams({ api, key: secret, event }).toString()}`;
  const client = await page.context().newPage();

  // The allowed origin: preflight, then the event is accepted and counted.
  await client.goto(clientUrl(allowed.origin, "page_view"));
  await client.getByRole("button", { name: "Send event" }).click();
  await expect(client.locator("#result")).toHaveText('200 {"accepted":1}');
  await expect.poll(() => countOf("page_view")).toBe(1);

  // The same origin, an event name the key may not send: refused, and readable by the page.
  await client.goto(clientUrl(allowed.origin, "signup"));
  await client.getByRole("button", { name: "Send event" }).click();
  await expect(client.locator("#result")).toContainText("403");
  await expect(client.locator("#result")).toContainText("event_not_allowed");

  // Another origin: the server refuses, without a CORS grant, so the browser blocks the answer.
  await client.goto(clientUrl(other.origin, "page_view"));
  await client.getByRole("button", { name: "Send event" }).click();
  await expect(client.locator("#result")).toHaveText("blocked: TypeError");
  await expect.poll(() => countOf("page_view")).toBe(1);
  await expect.poll(() => countOf("signup")).toBe(0);

  // Each refusal is counted in the key's usage as what it was, and named in the keys table.
  const row = keys.row(name);
  await expect(async () => {
    await keys.goto(account.orgId);
    await expect(row.getByTestId("usage-count")).toHaveText("3 requests · 2 refused", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 20_000 });
  const reasons = row.getByRole("list", { name: "Refused by reason" });
  await expect(reasons.getByRole("listitem")).toHaveText([
    "Origin not allowed: 1",
    "Event not allowed: 1",
  ]);
  const dialog = await keys.openKey(name);
  const totals = dialog.getByRole("region", { name: "Usage" }).getByRole("list", {
    name: "Totals by outcome",
  });
  await expect(totals).toContainText("Valid: 1");
  await expect(totals).toContainText("Origin not allowed: 1");
  await expect(totals).toContainText("Event not allowed: 1");
  await expect(totals).toContainText("IP not allowed: 0");
  await page.keyboard.press("Escape");

  // The preflight itself needs no key, for any origin.
  const preflight = await page.request.fetch("/v1/events", {
    method: "OPTIONS",
    headers: {
      origin: other.origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "x-api-token, content-type",
    },
  });
  expect(preflight.status()).toBe(204);
  expect(preflight.headers()["access-control-allow-origin"]).toBe(other.origin);
  expect(preflight.headers()["access-control-allow-headers"]).toContain("x-api-token");
  expect(Number(preflight.headers()["access-control-max-age"])).toBeGreaterThan(0);
});
