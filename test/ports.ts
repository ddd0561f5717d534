import { createServer } from 'node:net';

/** A port of 127.0.0.1 nothing listens on (taken from the OS, then given back): an offline backend. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
