import { loginBodySchema, signupBodySchema } from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { AuthBudget, clientAddress } from "../http/auth-budget.js";
import { clearSessionCookie, setSessionCookie } from "../http/session-cookie.js";
import { login, signup, toSessionAnswer } from "../services/accounts.js";
import { createSession, destroySession } from "../services/session-store.js";

export function authRouter({ db, dialect, env }: Deps): Router {
  const router = Router();
  const budget = new AuthBudget({
    loginFailuresPerAddress: env.LOGIN_FAILURES_PER_IP,
    signupsPerAddress: env.SIGNUPS_PER_IP,
  });

  // POST /api/auth/signup — create an account and its first org (limited per client address)
  router.post("/signup", async (req, res) => {
    const body = signupBodySchema.parse(req.body);
    const userId = await budget.signup(clientAddress(req), () => signup(db, body));
    setSessionCookie(req, res, await createSession(db, userId));
    res.status(201).json(await toSessionAnswer(db, userId));
  });

  // POST /api/auth/login — start a session (throttled per email and per client address)
  router.post("/login", async (req, res) => {
    const body = loginBodySchema.parse(req.body);
    const userId = await budget.login(clientAddress(req), () => login(db, dialect, body));
    if (req.sessionToken) await destroySession(db, req.sessionToken);
    setSessionCookie(req, res, await createSession(db, userId));
    res.json(await toSessionAnswer(db, userId));
  });

  // POST /api/auth/logout — end this session
  router.post("/logout", async (req, res) => {
    if (req.sessionToken) await destroySession(db, req.sessionToken);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  return router;
}
