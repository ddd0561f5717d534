import { parseDbSpec } from '../server/db/connect.js';
import { startServer } from '../server/start.js';

/**
 * The server under test for bench/server.ts, in its own process (as it runs in production), so the
 * load generator does not share its event loop. Prints its URL as one JSON line; stops on SIGTERM.
 */
const server = await startServer(parseDbSpec(process.argv[2], {}, 'unused.db'), { port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ url: server.url, pid: process.pid }));
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
