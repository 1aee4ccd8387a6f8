// Vitest setup: every answer a test receives through supertest is checked against the OpenAPI
// document (status and body), so an undocumented status or field fails the test that saw it.
import supertest from "supertest";
import { OpenApiValidator } from "./openapi-validator.js";

const validator = new OpenApiValidator();

type EndCallback = (err: unknown, res: supertest.Response) => void;
const prototype = supertest.Test.prototype as unknown as {
  end(fn?: EndCallback): unknown;
  method: string;
  url: string;
};
const originalEnd = prototype.end;

prototype.end = function end(this: typeof prototype, fn?: EndCallback) {
  return originalEnd.call(this, (err, res) => {
    const problem = res
      ? validator.check({
          method: this.method,
          url: this.url,
          status: res.status,
          headers: res.headers as Record<string, string>,
          body: res.body,
          text: res.text,
        })
      : undefined;
    fn?.(problem ? new Error(`OpenAPI: ${problem}`) : err, res);
  });
};
