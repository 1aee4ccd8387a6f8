import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type SignedIn, uniqueEmail } from "./harness.js";
import { fieldsOf } from "./support/error-answers.js";

let h: Harness;
let owner: SignedIn;
beforeAll(async () => {
  h = await createHarness();
  owner = await h.signup({ email: uniqueEmail("owner") });
});
afterAll(async () => {
  await h?.close();
});

const valid = () => ({
  email: uniqueEmail("new"),
  password: "correct horse battery",
  name: "New Person",
  orgName: "New Org",
});

describe("signup errors", () => {
  it("refuses an email that is taken, in any case, with 409 and writes nothing", async () => {
    const before = await h.countRows();
    const res = await h
      .anonymous()
      .post("/api/auth/signup", { ...valid(), email: `  ${owner.user.email.toUpperCase()}` })
      .expect(409);
    expect(res.body.error).toMatchObject({ code: "conflict", requestId: expect.any(String) });
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await h.countRows()).toEqual(before);
  });

  const tooLong = "x".repeat(101);
  const cases: [string, (b: Record<string, unknown>) => unknown, string][] = [
    ["missing email", ({ email: _, ...rest }) => rest, "email"],
    ["missing password", ({ password: _, ...rest }) => rest, "password"],
    ["missing name", ({ name: _, ...rest }) => rest, "name"],
    ["missing orgName", ({ orgName: _, ...rest }) => rest, "orgName"],
    ["email not an email", (b) => ({ ...b, email: "not-an-email" }), "email"],
    ["email a number", (b) => ({ ...b, email: 42 }), "email"],
    ["email over-long", (b) => ({ ...b, email: `${"a".repeat(250)}@example.com` }), "email"],
    ["password too short", (b) => ({ ...b, password: "short" }), "password"],
    ["password 9 code points", (b) => ({ ...b, password: "😀".repeat(9) }), "password"],
    ["password too long", (b) => ({ ...b, password: "p".repeat(201) }), "password"],
    ["password a number", (b) => ({ ...b, password: 12345678901 }), "password"],
    ["name empty", (b) => ({ ...b, name: "" }), "name"],
    ["name whitespace", (b) => ({ ...b, name: "   \t " }), "name"],
    ["name over-long", (b) => ({ ...b, name: tooLong }), "name"],
    ["name null", (b) => ({ ...b, name: null }), "name"],
    ["orgName empty", (b) => ({ ...b, orgName: "" }), "orgName"],
    ["orgName over-long", (b) => ({ ...b, orgName: "é".repeat(101) }), "orgName"],
    ["orgName an object", (b) => ({ ...b, orgName: { a: 1 } }), "orgName"],
    ["unknown field", (b) => ({ ...b, isAdmin: true }), "isAdmin"],
    ["an array body", () => [valid()], "body"],
    ["a string body", () => "hello", "body"],
    ["null body", () => null, "body"],
  ];

  it.each(cases)("%s → 400 naming %s, nothing written", async (_label, make, field) => {
    const before = await h.countRows();
    const body = make(valid());
    const req = h.anonymous().post("/api/auth/signup").set("Content-Type", "application/json");
    const res = await req.send(JSON.stringify(body)).expect(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.requestId).toEqual(expect.any(String));
    expect(fieldsOf(res)).toContain(field);
    expect(await h.countRows()).toEqual(before);
  });

  it("100 code points in names are accepted (the limit counts code points)", async () => {
    const res = await h
      .anonymous()
      .post("/api/auth/signup", { ...valid(), name: "😀".repeat(100), orgName: "é".repeat(100) })
      .expect(201);
    expect(res.body.user.name).toBe("😀".repeat(100));
  });

  it("malformed JSON → 400 naming the body, never a 500", async () => {
    const before = await h.countRows();
    const res = await h
      .anonymous()
      .sendJson("POST", "/api/auth/signup", '{"email": "a@example.com", ')
      .expect(400);
    expect(res.body.error).toMatchObject({ code: "invalid_request" });
    expect(fieldsOf(res)).toEqual(["body"]);
    expect(await h.countRows()).toEqual(before);
  });

  it("no body at all → 400", async () => {
    const res = await h.anonymous().post("/api/auth/signup").expect(400);
    expect(res.body.error.code).toBe("invalid_request");
  });

  it("a body over 1 MB → 413 payload_too_large", async () => {
    const before = await h.countRows();
    const res = await h
      .anonymous()
      .post("/api/auth/signup", { ...valid(), name: "x".repeat(1_100_000) })
      .expect(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await h.countRows()).toEqual(before);
  });
});

describe("login errors", () => {
  it("unknown email and wrong password answer the same 401", async () => {
    const unknown = await h
      .anonymous()
      .post("/api/auth/login", { email: uniqueEmail("nobody"), password: "whatever password" })
      .expect(401);
    const wrong = await h
      .anonymous()
      .post("/api/auth/login", { email: owner.user.email, password: "not the password" })
      .expect(401);
    expect(unknown.body.error.code).toBe("unauthenticated");
    expect(wrong.body.error.code).toBe("unauthenticated");
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(unknown.headers["set-cookie"]).toBeUndefined();
    expect(wrong.headers["set-cookie"]).toBeUndefined();
  });

  const cases: [string, unknown, string][] = [
    ["missing email", { password: "x" }, "email"],
    ["missing password", { email: "a@example.com" }, "password"],
    ["email a number", { email: 1, password: "x" }, "email"],
    ["password an array", { email: "a@example.com", password: ["x"] }, "password"],
    ["unknown field", { email: "a@example.com", password: "x", remember: true }, "remember"],
    ["email over-long", { email: `${"a".repeat(300)}@x.io`, password: "x" }, "email"],
    ["a string body", "email", "body"],
  ];
  it.each(cases)("%s → 400 naming %s, no session", async (_label, body, field) => {
    const before = await h.countRows();
    const res = await h
      .anonymous()
      .sendJson("POST", "/api/auth/login", JSON.stringify(body))
      .expect(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(fieldsOf(res)).toContain(field);
    expect(await h.countRows()).toEqual(before);
  });

  it("malformed JSON → 400", async () => {
    const res = await h.anonymous().sendJson("POST", "/api/auth/login", "{nope").expect(400);
    expect(fieldsOf(res)).toEqual(["body"]);
  });

  it("me without a session → 401", async () => {
    const res = await h.anonymous().get("/api/me").expect(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });

  it("a forged session cookie → 401", async () => {
    const res = await h.anonymous().get("/api/me").set("Cookie", "kw_session=forged").expect(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });
});
