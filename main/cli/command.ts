import type { ParseArgsConfig } from 'node:util';
import type { BootmendApi } from '../api.js';
import type { Io } from './output.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  api: BootmendApi;
  io: Io;
  /** Positionals after the command (and subcommand) words. */
  args: string[];
  options: OptionValues;
  json: boolean;
  dataDir: string | undefined;
}

/** One `bootmend` command (or `group sub` pair); its options are added to the global ones. */
export interface Command {
  /** "info", or "drives list" for a subcommand. */
  name: string;
  /** One line for --help: "<args>  what it does". */
  usage: string;
  options?: OptionSpec;
  /** An old name kept working for scripts, left out of --help. */
  hidden?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export class UsageError extends Error {}
