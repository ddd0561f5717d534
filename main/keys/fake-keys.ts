/**
 * Fake BitLocker material for fixtures, tests and benchmarks: checksum-valid in form
 * (each block a multiple of 11 below 720896) and made from a seeded generator, so no
 * real key can ever end up in the repository.
 */

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fakeRecoveryPassword(rng: Rng): string {
  const blocks: string[] = [];
  for (let i = 0; i < 8; i += 1) blocks.push(String(Math.floor(rng() * 65536) * 11).padStart(6, '0'));
  return blocks.join('-');
}

export function fakeGuid(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i += 1) hex += Math.floor(rng() * 16).toString(16);
  hex = hex.toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A password whose given block (1-8) fails the multiple-of-11 check. */
export function fakeBadPassword(rng: Rng, badBlock: number): string {
  const blocks = fakeRecoveryPassword(rng).split('-');
  const value = Number(blocks[badBlock - 1]);
  blocks[badBlock - 1] = String(value === 0 ? 1 : value - 1).padStart(6, '0');
  return blocks.join('-');
}
