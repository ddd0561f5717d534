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
}

export function defineMethod<I extends z.ZodType, O extends z.ZodType, const S extends boolean = false>(spec: {
  summary: string;
  input: I;
  output: O;
  streams?: S;
}): MethodSpec<I, O, S> {
  return { summary: spec.summary, input: spec.input, output: spec.output, streams: (spec.streams ?? false) as S };
}

/** Any set of methods: the technician app's local API, the backend's, the helpdesk's. */
export type ContractSpec = Readonly<Record<string, MethodSpec>>;

export type MethodNameOf<C extends ContractSpec> = keyof C & string;
export type InputOf<C extends ContractSpec, K extends MethodNameOf<C>> = z.input<C[K]['input']>;
export type ParsedInputOf<C extends ContractSpec, K extends MethodNameOf<C>> = z.output<C[K]['input']>;
export type OutputOf<C extends ContractSpec, K extends MethodNameOf<C>> = z.output<C[K]['output']>;
export type StreamingNameOf<C extends ContractSpec> = { [K in MethodNameOf<C>]: C[K]['streams'] extends true ? K : never }[MethodNameOf<C>];
export type PlainNameOf<C extends ContractSpec> = Exclude<MethodNameOf<C>, StreamingNameOf<C>>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Joins feature slices (core/<feature>/contract.ts) into one contract. A name declared by
 * two slices is a mistake that a spread would hide (the later one silently wins), so it
 * throws when the module loads.
 */
export function mergeContracts<const S extends readonly ContractSpec[]>(...slices: S): UnionToIntersection<S[number]> {
  const merged: Record<string, MethodSpec> = {};
  for (const slice of slices) {
    for (const [name, spec] of Object.entries(slice)) {
      if (Object.prototype.hasOwnProperty.call(merged, name)) throw new Error(`Two contract slices declare the method "${name}".`);
      merged[name] = spec;
    }
  }
  return merged as UnionToIntersection<S[number]>;
}

export function methodNamesOf<C extends ContractSpec>(contract: C): MethodNameOf<C>[] {
  return Object.keys(contract) as MethodNameOf<C>[];
}
