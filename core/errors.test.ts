import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { BootmendError, describeZodError } from './errors.js';

describe('typed errors', () => {
  it('names the field and the reason without echoing the value', () => {
    const schema = z.object({ backendUrl: z.url() });
    const result = schema.safeParse({ backendUrl: 'secret-value-123' });
    expect(result.success).toBe(false);
    const error = describeZodError(result.error!, 'Settings not saved');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('backendUrl');
    expect(error.message).toMatch(/^Backend URL invalid/i);
    expect(error.message).not.toContain('secret-value-123');
  });

  it('survives a trip through JSON', () => {
    const original = new BootmendError('IO_ERROR', 'Drive E: was removed.', { field: 'drive' });
    const copy = BootmendError.from(JSON.parse(JSON.stringify(original)));
    expect(copy).toBeInstanceOf(BootmendError);
    expect(copy.toJSON()).toEqual({ code: 'IO_ERROR', message: 'Drive E: was removed.', field: 'drive' });
  });
});
