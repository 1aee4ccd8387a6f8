import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import compression from "compression";
import express, { type Express } from "express";
import type { Deps } from "./deps.js";
import { requireCsrfHeader, requireSameOrigin } from "./http/csrf.js";
import { errorHandler, notFoundHandler } from "./http/error-handler.js";
import { jsonAnswer } from "./http/json-answer.js";
import { refuseNul } from "./http/no-nul.js";
import { requestLog, sendRequestId } from "./http/request-log.js";
import { securityHeaders } from "./http/security-headers.js";
import { loadSession, requireUser } from "./http/session-cookie.js";
import { mountApiReference } from "./openapi/routes.js";
import { authRouter } from "./routes/auth.js";
import { inviteLinksRouter } from "./routes/invites.js";
import { meRouter } from "./routes/me.js";
import { orgsRouter } from "./routes/orgs.js";
import { sizeHashingBudget } from "./services/accounts.js";
import { createPublicApi, type PublicApi } from "./v1/public-api.js";

export const JSON_BODY_LIMIT = "1mb";

function defaultWebDist(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist");
}

/** The HTTP app and the /v1 state that shutdown flushes and closes. */
export interface KeywardApp {
  app: Express;
  /** Writes pending usage and `lastUsedAt`, stops timers, closes the ingest store and limiter. */
  publicApi: PublicApi;
}

export function createApp(deps: Deps): KeywardApp {
  const app = express();
  app.disable("x-powered-by");
  if (deps.env.TRUST_PROXY) app.set("trust proxy", 1);
  sizeHashingBudget(deps.env.UV_THREADPOOL_SIZE);

  const security = securityHeaders(deps.env.TRUST_PROXY);
  app.use(requestLog(deps.logger));

  // The hot paths first, before any header, session or static middleware: /v1 and /healthz send
  // the precomputed security headers with their answer.
  const publicApi = createPublicApi(deps);
  publicApi.mount(app, security.flat);
  const appDeps: Deps = { ...deps, pendingKeyUse: publicApi.usage };
  const health = jsonAnswer(security.flat);
  // `unattributed`: this instance's /v1 requests with no key, a malformed or an unknown one.
  app.get("/healthz", (req, res) => {
    health(req, res, JSON.stringify({ ok: true, unattributed: publicApi.usage.unattributed() }));
  });

  app.use(security.middleware);
  app.use(sendRequestId);
  publicApi.mountPreflights(app);

  mountApiReference(app, deps.env.PUBLIC_URL);

  const api = express.Router();
  api.use(express.json({ limit: JSON_BODY_LIMIT, strict: false }));
  api.use(requireCsrfHeader);
  api.use(requireSameOrigin(deps.env.PUBLIC_URL));
  api.use(refuseNul);
  // Session answers carry secrets (a new key's) and personal data: never kept by a cache.
  api.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  api.use(loadSession(deps.db));
  api.use("/auth", authRouter(deps));
  api.use("/me", requireUser, meRouter(deps));
  api.use("/orgs", requireUser, orgsRouter(appDeps));
  api.use("/invites", inviteLinksRouter(deps));
  api.use(notFoundHandler);
  app.use("/api", api);

  const webDist = deps.env.WEB_DIST ?? defaultWebDist();
  if (existsSync(webDist)) {
    // Only the web build is compressed: API answers carry secrets (BREACH).
    const web = express.Router();
    web.use(compression());
    web.use(
      express.static(webDist, {
        index: false,
        setHeaders: (res, file) => {
          // Vite names every file under assets/ by its content hash: it never changes.
          const hashed = path.relative(webDist, file).startsWith(`assets${path.sep}`);
          res.setHeader(
            "Cache-Control",
            hashed ? "public, max-age=31536000, immutable" : "public, max-age=0, must-revalidate",
          );
        },
      }),
    );
    // App routes have no file extension; any other unknown path is a real 404.
    web.get(/^\/(?!api\/|v1\/)(?:[^.]*)$/, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(path.join(webDist, "index.html"));
    });
    app.use(web);
  }

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, security.flat));
  return { app, publicApi };
}
