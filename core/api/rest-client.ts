import { BootmendError } from '../errors.js';
import type { ContractSpec, InputOf, MethodNameOf, OutputOf } from './define.js';

/** Where each method of a contract is read over HTTP: the path (and query) for an input. */
export type RestPaths<C extends ContractSpec> = { [K in MethodNameOf<C>]: { path: (input: InputOf<C, K>) => string } };

/** Fetches a path and answers its JSON; throws its own errors for refusals and dead networks. `what` names the action in them. */
export type JsonGetter = (path: string, what: string, signal?: AbortSignal) => Promise<unknown>;

export interface RestClient<C extends ContractSpec> {
  /** The method's answer, checked against its output schema; `what` names the action in any error ("Reading the summary"). */
  call<K extends MethodNameOf<C>>(name: K, input: InputOf<C, K>, what: string, signal?: AbortSignal): Promise<OutputOf<C, K>>;
}

/**
 * A typed client of any contract whose methods are HTTP GETs (the helpdesk's reads of API v1):
 * the generic sibling of the local API's client. An answer that does not match the method's
 * output schema is an error naming the method, never data of the wrong shape on a screen.
 */
export function restClient<C extends ContractSpec>(contract: C, paths: RestPaths<C>, getJson: JsonGetter): RestClient<C> {
  return {
    async call(name, input, what, signal) {
      const answer = await getJson(paths[name].path(input), what, signal);
      const parsed = contract[name]!.output.safeParse(answer);
      if (parsed.success) return parsed.data as OutputOf<C, typeof name>;
      const issue = parsed.error.issues[0];
      const where = issue?.path.map(String).join('.') || 'the answer';
      throw new BootmendError('INTERNAL', `${what} failed: the server's answer to ${name} was not understood (${where}: ${issue?.message ?? 'unexpected shape'}). The server and this page may be of different versions: reload the page.`);
    },
  };
}
