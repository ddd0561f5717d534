import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid7.js';

describe('uuidv7 (RFC 9562 §5.7)', () => {
  it('is a UUID of version 7 and the RFC variant, which the API schemas accept', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('carries its millisecond in the first 48 bits, so ids of later milliseconds sort after earlier ones', () => {
    const at = Date.UTC(2024, 6, 19, 4, 9);
    expect(Number.parseInt(uuidv7(at).replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const ids = Array.from({ length: 50 }, (_, i) => uuidv7(at + i * 7));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs within one millisecond', () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(at))).size).toBe(1000);
  });
});
