import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildOptions } from './app.js';
import { openStore, type DbSpec, type Store } from './db/connect.js';
import { LocalFeed, PostgresFeed, type ChangeFeed } from './stream/feed.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  feed: ChangeFeed;
  /** `http://127.0.0.1:PORT` once listening. */
  url: string;
  close(): Promise<void>;
}

/** Opens the database (migrating it), the change feed and the HTTP server; listens when `port` is given. */
export async function startServer(spec: DbSpec, options: BuildOptions & { host?: string; port?: number } = {}): Promise<RunningServer> {
  const store = await openStore(spec, { backgroundCheckpoints: true });
  let feed: ChangeFeed | null = null;
  try {
    feed = spec.dialect === 'postgres' ? await PostgresFeed.start(spec.url) : new LocalFeed();
    const app = await buildServer({ db: store.db, spec, feed }, options);
    let url = '';
    if (options.port !== undefined) {
      const host = options.host ?? '127.0.0.1';
      await app.listen({ host, port: options.port });
      const address = app.server.address();
      const port = address && typeof address === 'object' ? address.port : options.port;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    } else {
      await app.ready();
    }
    const openFeed = feed;
    return {
      app,
      store,
      feed: openFeed,
      url,
      close: async () => {
        await app.close();
        await openFeed.close();
        await store.close();
      },
    };
  } catch (error) {
    await feed?.close();
    await store.close();
    throw error;
  }
}
