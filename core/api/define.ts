import type { z } from 'zod';

/**
 * One entry of the local API contract. Everything that crosses from the renderer to
 * the privileged side is declared with this, once; the Electron preload, the ipcMain
 * adapter, the web host and the renderer client are all derived from the declaration.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, S extends boolean = boolean> {
  /** One sentence: what the method does, for docs and `--help`. */
  readonly summary: string;
  readonly input: I;
  readonly output: O;
  /** True when the method reports progress events while it runs and can be cancelled. */
  readonly streams: S;
  /**
   * A cancelled call still answers with the handler's value (e.g. what each drive was left
   * as) instead of a bare CANCELLED error: for jobs whose partial outcome the person must see.
   */
  readonly answersWhenCancelled: boolean;
}

export function defineMethod<I extends z.ZodType, O extends z.ZodType, const S extends boolean = false>(spec: {
  summary: string;
  input: I;
  output: O;
  streams?: S;
  answersWhenCancelled?: boolean;
}): MethodSpec<I, O, S> {
  return { summary: spec.summary, input: spec.input, output: spec.output, streams: (spec.streams ?? false) as S, answersWhenCancelled: spec.answersWhenCancelled ?? false };
}
