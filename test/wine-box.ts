import { afterAll, beforeAll } from 'vitest';
import { WineBox } from '../main/payload/testing/wine-harness.js';

/** One WineBox (main/payload/testing/wine-harness.ts) for the enclosing describe: made before its first test, removed after its last. */
export function wineBoxPerFile(setUpTimeoutMs = 180_000): () => WineBox {
  let box: WineBox | undefined;
  beforeAll(async () => {
    box = await WineBox.create();
  }, setUpTimeoutMs);
  afterAll(async () => {
    await box?.dispose();
  });
  return () => box!;
}
