import { z } from "zod";

// Before any schema is built: zod's JIT probes `new Function`, which the CSP (script-src 'self')
// blocks and reports as a securitypolicyviolation on every page. Without JIT, no probe is made.
z.config({ jitless: true });
