// A TCP proxy between the server and PostgreSQL that a test can cut: the database "goes away"
// for this server only, while the machine's PostgreSQL keeps serving everyone else.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  /**
   * Drops every open connection; until `restore`, new ones are reset (`refuse`) or accepted and
   * never answered (`blackhole`: a host that stopped answering).
   */
  cut(mode?: "refuse" | "blackhole"): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down: false | "refuse" | "blackhole" = false;
  const held = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down === "refuse") {
      client.resetAndDestroy();
      return;
    }
    if (down === "blackhole") {
      held.add(client);
      client.on("error", () => held.delete(client));
      return;
    }
    const upstream = connect(target);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    cut(mode = "refuse") {
      down = mode;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      down = false;
      for (const socket of held) socket.destroy();
      held.clear();
    },
    close() {
      for (const socket of held) socket.destroy();
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
