import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "./api-client";
import { useForm } from "./use-form";

const schema = z.object({ name: z.string().trim().min(1), email: z.email() });
const invalid = (fieldErrors: Record<string, string>) =>
  new ApiError({ status: 400, code: "invalid_request", message: "invalid", fieldErrors });

function setup(serverError: unknown = null, fields: readonly string[] = ["name", "email"]) {
  return renderHook(
    (props: { serverError: unknown }) =>
      useForm({
        initialValues: { name: "", email: "" },
        serverError: props.serverError,
        fields,
      }),
    { initialProps: { serverError } },
  );
}

describe("useForm", () => {
  it("checks the values with the schema: data when valid, errors by field when not", () => {
    const { result } = setup();
    let data: unknown;
    act(() => {
      data = result.current.validate(schema, result.current.values);
    });
    expect(data).toBeUndefined();
    expect(Object.keys(result.current.errors).sort()).toEqual(["email", "name"]);

    act(() => {
      result.current.setValue("name", "  Ada ");
      result.current.setValue("email", "ada@example.com");
    });
    act(() => {
      data = result.current.validate(schema, result.current.values);
    });
    expect(data).toEqual({ name: "Ada", email: "ada@example.com" });
    expect(result.current.errors).toEqual({});
  });

  it("fails on the extra checks zod cannot make, beside their field", () => {
    const { result } = setup();
    let data: unknown;
    act(() => {
      data = result.current.validate(
        schema,
        { name: "Ada", email: "ada@example.com" },
        { name: "is taken", email: undefined },
      );
    });
    expect(data).toBeUndefined();
    expect(result.current.errors).toEqual({ name: "is taken" });
    expect(result.current.fieldError("name", "Name")).toBe("Name is taken.");
  });

  it("shows the server's field errors beside their fields, the client's first", () => {
    const { result } = setup(invalid({ name: "must be unique", email: "is not allowed" }));
    expect(result.current.error("name")).toBe("must be unique");
    expect(result.current.formError).toBeUndefined();
    act(() => {
      result.current.validate(schema, { name: "", email: "ada@example.com" });
    });
    expect(result.current.error("name")).not.toBe("must be unique");
    expect(result.current.error("email")).toBe("is not allowed");
  });

  it("clears a field's client error when its value changes", () => {
    const { result } = setup();
    act(() => {
      result.current.validate(schema, result.current.values);
    });
    act(() => result.current.setValue("name", "A"));
    expect(result.current.error("name")).toBeUndefined();
    expect(result.current.error("email")).toBeDefined();
  });

  it("gives the server's message when its error names no field the form shows", () => {
    const { result, rerender } = setup(
      new ApiError({ status: 403, code: "forbidden", message: "you may not" }),
    );
    expect(result.current.formError).toBe("You may not");
    rerender({ serverError: invalid({ orgId: "is unknown" }) });
    expect(result.current.formError).toBe("Invalid");
    rerender({ serverError: invalid({ email: "is not allowed" }) });
    expect(result.current.formError).toBeUndefined();
    rerender({ serverError: null });
    expect(result.current.formError).toBeUndefined();
  });

  it("resets values and errors", () => {
    const { result } = setup();
    act(() => {
      result.current.setValue("name", "Ada");
      result.current.validate(schema, result.current.values);
    });
    act(() => result.current.reset({ name: "Bo", email: "" }));
    expect(result.current.values).toEqual({ name: "Bo", email: "" });
    expect(result.current.errors).toEqual({});
  });
});
