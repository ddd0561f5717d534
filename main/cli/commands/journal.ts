import { BootmendError } from '../../../core/errors.js';
import { ExportFormatSchema, type IngestSummary } from '../../../core/journal/schemas.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { ApiCallError, callApi, printJson } from '../call.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { EXIT } from '../exit-codes.js';

/**
 * `bootmend journal ...`: the journal methods the Journal screen calls (ingestResults,
 * exportJournal), with argument parsing and printing only.
 * Exit codes: 0 ok, 1 failed (no such folder, no results folder, cannot write --out),
 * 2 some result files were rejected (the others were read in), 64 wrong usage, 130 cancelled.
 */

export const JOURNAL_EXIT = { SOME_REJECTED: 2 } as const;

function str(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

function ingestText(summary: IngestSummary): string {
  const lines = [`${summary.sentence}.`, `Read ${summary.filesRead} result file${summary.filesRead === 1 ? '' : 's'} from ${summary.folder}.`];
  for (const r of summary.rejected) lines.push(`rejected ${r.file}: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

export const journalIngest: Command = {
  name: 'journal ingest',
  usage: '<folder-or-drive>  read fix.cmd results (bootmend/results/*.json on a stick) into the journal; the same result twice is one record (exit 2: some files rejected)',
  async run(ctx) {
    const [path, extra] = ctx.args;
    if (path === undefined || path.trim() === '') throw new UsageError('journal ingest needs the stick (its drive or folder) or a bootmend/results folder.');
    if (extra !== undefined) throw new UsageError('journal ingest reads one folder or drive at a time.');
    let summary: IngestSummary;
    try {
      summary = await callApi(ctx.api, 'ingestResults', { path }, ctx.io, ctx.json);
    } catch (error) {
      // A folder that is not there or holds no results: the operation failed, not the usage.
      if (!(error instanceof ApiCallError) || error.field !== 'path') throw error;
      if (ctx.json) printJson(ctx.io, { error: error.detail });
      else ctx.io.err(`bootmend: ${error.message}\n`);
      return EXIT.FAILED;
    }
    if (ctx.json) printJson(ctx.io, summary);
    else ctx.io.out(ingestText(summary));
    return summary.rejected.length > 0 ? JOURNAL_EXIT.SOME_REJECTED : EXIT.OK;
  },
};

/** An ISO date or time; a date is its midnight and a time without an offset is UTC (as `keys revealed --since`). */
export function sinceOption(since: string): string {
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : /(?:Z|[+-]\d{2}:?\d{2})$/i.test(since) ? since : `${since}Z`;
  const ms = Date.parse(withTime);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(ms)) throw new UsageError(`--since must be an ISO date or time like 2024-07-20 or 2024-07-20T08:00:00Z (got "${since}").`);
  return new Date(ms).toISOString();
}

export const journalExport: Command = {
  name: 'journal export',
  usage: '--format csv|json|ndjson [--since ISO] [--site S] [--out FILE] [--events]  one row per machine (hostname, serial, asset tag, site, outcome, path, technician, started, ended, minutes, files removed, key ID used, notes), or --events for the raw event log; never a recovery password',
  options: { format: { type: 'string' }, since: { type: 'string' }, site: { type: 'string' }, out: { type: 'string' }, events: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.args.length > 0) throw new UsageError(`journal export takes no arguments (got "${ctx.args.join(' ')}"); name the file with --out.`);
    const format = ExportFormatSchema.safeParse(str(ctx, 'format') ?? '');
    if (!format.success) throw new UsageError('journal export needs --format csv, json or ndjson.');
    const since = str(ctx, 'since');
    const site = str(ctx, 'site');
    const out = str(ctx, 'out');
    if (out === '') throw new UsageError('--out needs a file name.');
    const result = await callApi(
      ctx.api,
      'exportJournal',
      { format: format.data, events: ctx.options.events === true, ...(since === undefined ? {} : { since: sinceOption(since) }), ...(site === undefined ? {} : { site }) },
      ctx.io,
      ctx.json,
    );
    const what = `${result.rows} ${ctx.options.events === true ? 'event' : 'machine'}${result.rows === 1 ? '' : 's'}`;
    if (out === undefined) {
      if (ctx.json) printJson(ctx.io, result);
      else ctx.io.out(result.text);
      return EXIT.OK;
    }
    try {
      await writeFileAtomic(out, result.text);
    } catch (error) {
      throw new BootmendError('IO_ERROR', `Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    if (ctx.json) printJson(ctx.io, { out, format: result.format, rows: result.rows });
    else ctx.io.out(`Wrote ${what} to ${out}.\n`);
    return EXIT.OK;
  },
};

export const JOURNAL_COMMANDS: Command[] = [journalIngest, journalExport];
