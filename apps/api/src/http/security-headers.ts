import type { ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import helmet from "helmet";

/** The security headers of every answer: helmet's, with Keyward's CSP. */
export interface SecurityHeaders {
  /** Helmet itself, for the web app, the session API and the docs. */
  middleware: RequestHandler;
  /**
   * The same headers as `[name, value, name, value, …]`, worked out once: the hot paths (`/v1`,
   * `/healthz`) write them with their answer in one `writeHead` instead of a dozen `setHeader`s.
   */
  flat: readonly string[];
}

export function securityHeaders(behindTls: boolean): SecurityHeaders {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        // Only behind TLS: on plain http these would send the browser to an https that isn't there.
        "upgrade-insecure-requests": behindTls ? [] : null,
      },
    },
    strictTransportSecurity: behindTls,
  });
  return { middleware, flat: headersOf(middleware) };
}

/** What a header middleware sets, found by running it once on a stand-in response. */
function headersOf(middleware: RequestHandler): string[] {
  const set = new Map<string, string>();
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : String(value));
      return res;
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
    },
    getHeader: (name: string) => set.get(name.toLowerCase()),
  };
  let synchronous = false;
  middleware({ headers: {} } as Request, res as unknown as Response, () => {
    synchronous = true;
  });
  if (!synchronous) throw new Error("the security header middleware did not finish at once");
  return [...set].flat();
}

/** Sets the headers on a response being built the ordinary way (an error answer, say). */
export function setSecurityHeaders(res: ServerResponse, flat: readonly string[]): void {
  for (let i = 0; i < flat.length; i += 2) res.setHeader(flat[i] as string, flat[i + 1] as string);
}
