// The Prisma client as the app uses it. The SQLite and the PostgreSQL generated clients are not
// assignable to each other whole (`$transaction`'s isolation levels, `aggregate`'s conditional
// types, `$extends` differ), but both are to this narrower interface: the model methods and raw
// queries the app calls, with the SQLite client's argument and result types. `createDb()` assigns
// either client to it without a cast, so a method outside it is a compile error on both.
import type { Prisma, PrismaClient } from "../generated/sqlite/client.js";

type ModelName = Uncapitalize<Prisma.ModelName>;

/** The model methods the app calls; add one here when the app needs it. */
type ModelMethod =
  | "count"
  | "create"
  | "createMany"
  | "delete"
  | "deleteMany"
  | "findFirst"
  | "findFirstOrThrow"
  | "findMany"
  | "findUnique"
  | "findUniqueOrThrow"
  | "update"
  | "updateMany";

type RawMethod = "$queryRaw" | "$queryRawUnsafe" | "$executeRaw" | "$executeRawUnsafe";

/** A Prisma interactive transaction's client (and the model API of the client itself). */
export type Tx = { [M in ModelName]: Pick<PrismaClient[M], ModelMethod> } & Pick<
  PrismaClient,
  RawMethod
>;

/** A query extension's hook: sees each operation's arguments and runs it (tests count queries). */
interface QueryHook {
  $allOperations(params: {
    args: unknown;
    query: (args: unknown) => Promise<unknown>;
  }): Promise<unknown>;
}

/** The Prisma client of either database. */
export interface Db extends Tx {
  $transaction<R>(
    work: (tx: Tx) => Promise<R>,
    options?: { maxWait?: number; timeout?: number },
  ): Promise<R>;
  $transaction<Q extends Prisma.PrismaPromise<unknown>[]>(
    queries: [...Q],
  ): Promise<{ [K in keyof Q]: Awaited<Q[K]> }>;
  $extends(extension: { query: { [M in ModelName]?: QueryHook } }): unknown;
  $disconnect(): Promise<void>;
}
