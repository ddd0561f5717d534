import type { z } from 'zod';
import type { RemovedFileSchema } from '../../core/backend/schemas.js';

/** A removed file as a machine row and the export name it: its path. */
export function fileLabel(file: z.infer<typeof RemovedFileSchema>): string {
  return typeof file === 'string' ? file : file.path;
}
