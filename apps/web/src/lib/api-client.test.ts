import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, setUnauthenticatedHandler } from "./api-client";

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function stubFetch(response: Response) {
  const fetchMock = vi.fn<typeof fetch>().mockImplementation(async () => response.clone());
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthenticatedHandler(undefined);
});

describe("api client", () => {
  it("sends the CSRF header on every non-GET call and never on GET", async () => {
    const fetchMock = stubFetch(answer(200, { ok: true }));
    await api.get("/api/me");
    await api.post("/api/orgs/o/keys", { name: "x" });
    await api.patch("/api/orgs/o/keys/k", { enabled: false });
    fetchMock.mockResolvedValueOnce(answer(204));
    await api.delete("/api/orgs/o/keys/k");

    const headers = fetchMock.mock.calls.map(([, init]) => init?.headers as Record<string, string>);
    expect(headers[0]?.["x-requested-with"]).toBeUndefined();
    for (const h of headers.slice(1)) expect(h["x-requested-with"]).toBe("keyward");
    for (const [, init] of fetchMock.mock.calls) expect(init?.credentials).toBe("same-origin");
  });

  it("turns the contract's error body into an ApiError with field errors", async () => {
    stubFetch(
      answer(400, {
        error: {
          code: "invalid_request",
          message: "name: must not be empty; permissions.read: bad",
          requestId: "req_1",
          details: [
            { field: "name", message: "must not be empty" },
            { field: "permissions.read", message: "bad" },
          ],
        },
      }),
    );
    const error = await api.post("/api/orgs/o/keys", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      requestId: "req_1",
      fieldErrors: { name: "must not be empty", "permissions.read": "bad", permissions: "bad" },
    });
  });

  it("sends a 401 back to sign-in, except where a 401 is an expected answer", async () => {
    const onUnauthenticated = vi.fn();
    setUnauthenticatedHandler(onUnauthenticated);
    const body = { error: { code: "unauthenticated", message: "sign in first", requestId: "r" } };

    stubFetch(answer(401, body));
    await expect(api.get("/api/orgs/o/keys")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);

    stubFetch(answer(401, body));
    await expect(
      api.post("/api/auth/login", {}, { expectUnauthenticated: true }),
    ).rejects.toMatchObject({ code: "unauthenticated" });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it("reports a network failure as an ApiError with status 0", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    await expect(api.get("/api/me")).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("drops empty query parameters", async () => {
    const fetchMock = stubFetch(answer(200, { items: [], nextCursor: null }));
    await api.get("/api/orgs/o/keys", {
      query: { q: "", includeDisabled: "true", cursor: undefined },
    });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/orgs/o/keys?includeDisabled=true");
  });
});
