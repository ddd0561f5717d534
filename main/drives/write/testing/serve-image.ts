import { serveImage } from '../image-stream.js';

/*
 * Tests and bench/drives.ts --stream: the app's half of a handed-over image (image-stream.ts) in a process of its own, so
 * the proofs can run it as another account (an unelevated user) while the writer runs as root.
 * Prints one JSON line ({ path, bytes } or { error }), then serves until its stdin ends.
 */
const [image, endpoint] = process.argv.slice(2);
try {
  const served = await serveImage(image!, endpoint!);
  process.stdout.write(`${JSON.stringify({ path: served.path, bytes: served.bytes })}\n`);
  process.stdin.on('end', () => void served.close().then(() => process.exit(0)));
  process.stdin.resume();
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  process.exit(1);
}
