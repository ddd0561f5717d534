import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL of the CLI bundle (dist/cli/bootmend.mjs, scripts/build-cli.mjs) when it exists and
 * none of the files it was made from (dist/cli/inputs.json) changed after it was built; else null.
 * About 110 stat calls, ~3 ms, against the half second or more it saves on every start.
 */
export function freshBundle(rootUrl) {
  const root = fileURLToPath(rootUrl);
  const bundle = join(root, 'dist', 'cli', 'bootmend.mjs');
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return null;
    for (const input of inputs) if (statSync(join(root, input)).mtimeMs > built) return null;
    return pathToFileURL(bundle).href;
  } catch {
    // No bundle, no list, or a listed source gone (renamed): the sources are the truth.
    return null;
  }
}
