import type { AuditEventAnswer } from "@keyward/shared";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditEvent } from "@/testing/audit-event";
import { AuditView } from "./audit-view";

const ORG = "org_1";

const event = (id: string, overrides: Partial<AuditEventAnswer> = {}) =>
  auditEvent({ id, ...overrides });

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** A fake of the API's answers by path; audit pages by cursor. */
function stubApi(pages: Record<string, { items: AuditEventAnswer[]; nextCursor: string | null }>) {
  const fetchMock = vi.fn<typeof fetch>().mockImplementation(async (input) => {
    const url = new URL(String(input), "http://localhost");
    if (url.pathname === "/api/me") {
      return json({
        user: { id: "usr_ada", email: "ada@example.com", name: "Ada Admin" },
        orgs: [
          {
            id: ORG,
            name: "Org",
            role: "admin",
            manageOrgKeys: true,
            managePersonalKeys: true,
            orgKeyPolicy: "everyone",
            capabilities: {
              editOrgWideKeys: true,
              seeOthersPersonalKeys: true,
              editOthersPersonalKeys: true,
              manageMembers: true,
              manageInvites: true,
              updateOrg: true,
              seeAllAudit: true,
            },
          },
        ],
      });
    }
    if (url.pathname === `/api/orgs/${ORG}/members`) return json([]);
    if (url.pathname === `/api/orgs/${ORG}/audit`) {
      const page = pages[url.searchParams.get("cursor") ?? "first"];
      return json(page ?? { items: [], nextCursor: null });
    }
    return json({ error: { code: "not_found", message: "no route", requestId: "r" } }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function renderAt(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/orgs/:orgId/audit" element={<AuditView orgId={ORG} />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

const calledUrls = (fetchMock: ReturnType<typeof stubApi>) =>
  fetchMock.mock.calls.map(([input]) => new URL(String(input), "http://localhost"));

const auditCalls = (fetchMock: ReturnType<typeof stubApi>) =>
  calledUrls(fetchMock).filter((url) => url.pathname.endsWith("/audit"));

/** The page asks for no key one by one: each event names its key. */
const keyCalls = (fetchMock: ReturnType<typeof stubApi>) =>
  calledUrls(fetchMock).filter((url) => url.pathname.includes("/keys"));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("AuditView", () => {
  it("lists events with who, what, which key and the changes; Load more follows the cursor", async () => {
    const fetchMock = stubApi({
      first: {
        items: [
          event("aud_2", { action: "key.rolled", changes: { expiresAt: [null, null] } }),
          event("aud_1", {
            action: "key.deleted",
            keyId: "key_gone",
            changes: { name: ["Old one", null] },
            key: null,
          }),
        ],
        nextCursor: "c1",
      },
      c1: {
        items: [
          event("aud_0", { action: "key.created", changes: { name: [null, "Ingest v0"] } }),
          event("aud_m", {
            action: "member.invited",
            keyId: null,
            key: null,
            changes: { email: [null, "bo@example.com"] },
          }),
        ],
        nextCursor: null,
      },
    });
    const user = renderAt(`/orgs/${ORG}/audit`);

    const table = await screen.findByRole("table", { name: "Audit log" });
    // (Each row also repeats who/what/which key for phones; CSS hides that copy on wide screens.)
    expect((await within(table).findAllByText("Rolled key"))[0]).toBeVisible();
    expect(within(table).getAllByRole("link", { name: "Ingest" })[0]).toHaveAttribute(
      "href",
      `/orgs/${ORG}/audit?keyId=key_1`,
    );
    // The key's current name and hint come with its event.
    expect(within(table).getAllByText("kw_InGeS…").length).toBeGreaterThan(0);
    // A deleted key is named from its deletion event.
    expect(within(table).getAllByRole("link", { name: "Old one" }).length).toBeGreaterThan(0);
    expect(within(table).getAllByText("deleted").length).toBeGreaterThan(0);
    expect(screen.getByText("2 events loaded")).toBeVisible();

    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect((await within(table).findAllByText("Created key"))[0]).toBeVisible();
    expect(screen.getByText("4 events")).toBeVisible();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    // A creation shows the key's current name; the old name stays in its changes.
    expect(within(table).getAllByText("“Ingest v0”").length).toBeGreaterThan(0);
    expect(within(table).queryByRole("link", { name: "Ingest v0" })).not.toBeInTheDocument();
    expect(within(table).getAllByText("bo@example.com").length).toBeGreaterThan(0);
    expect(auditCalls(fetchMock).map((url) => url.searchParams.get("cursor"))).toEqual([
      null,
      "c1",
    ]);
    expect(keyCalls(fetchMock)).toEqual([]);
  });

  it("filters by ?keyId= and names the key", async () => {
    const fetchMock = stubApi({
      first: { items: [event("aud_1", { changes: { enabled: [true, false] } })], nextCursor: null },
    });
    renderAt(`/orgs/${ORG}/audit?keyId=key_1`);

    expect(await screen.findByText("“Ingest”")).toBeVisible();
    expect(screen.getByText(/History of/)).toBeVisible();
    expect(screen.getByRole("link", { name: "Show all events" })).toHaveAttribute(
      "href",
      `/orgs/${ORG}/audit`,
    );
    const table = await screen.findByRole("table", { name: "Audit log" });
    expect(within(table).getAllByText("enabled → disabled").length).toBeGreaterThan(0);
    expect(auditCalls(fetchMock).every((url) => url.searchParams.get("keyId") === "key_1")).toBe(
      true,
    );
    expect(keyCalls(fetchMock)).toEqual([]);
  });

  it("says when a key has no events the caller can see", async () => {
    stubApi({ first: { items: [], nextCursor: null } });
    renderAt(`/orgs/${ORG}/audit?keyId=key_nope`);
    expect(await screen.findByRole("heading", { name: "No events for this key" })).toBeVisible();
  });
});
