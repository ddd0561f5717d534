import { useRef, type ReactElement, type ReactNode } from 'react';
import { describeKeyIds, type ImportSummary } from '../../../core/keys/schemas.js';
import { Badge } from '../../ui/Badge.js';
import { AlertIcon, CheckCircleIcon } from '../../ui/icons.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { formatWhen, KeyIdText, useFocusRequest } from './shared.js';

const LAYOUTS: Record<string, string> = {
  ad: 'Active Directory',
  graph: 'Microsoft Graph',
  entra: 'Entra ID / Intune',
  mbam: 'MBAM',
  csv: 'CSV (Id, Key)',
};

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** What an import read, kept and refused: every rejected row by file and line, never its digits. */
export function ImportSummaryView({ summary }: { summary: ImportSummary }): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusRequest('import-summary', heading);
  const problems = summary.rejected.length + summary.conflicts.length;
  return (
    <section className="import-summary" aria-labelledby="keys-import-summary-title" data-testid="import-summary">
      <h3 className="import-summary__title" id="keys-import-summary-title" ref={heading} tabIndex={-1}>
        {problems === 0 ? <CheckCircleIcon size={22} className="import-summary__ok" /> : <AlertIcon size={22} className="import-summary__warn" />}
        Imported {summary.imported.toLocaleString()} {summary.imported === 1 ? 'key' : 'keys'}
        {summary.rejected.length > 0 ? `, ${summary.rejected.length} ${summary.rejected.length === 1 ? 'row' : 'rows'} rejected` : ''}
      </h3>
      <KeyValueList
        columns={4}
        items={[
          { label: 'Imported', value: summary.imported.toLocaleString(), testId: 'summary-imported' },
          { label: 'Duplicates', value: summary.duplicates.toLocaleString(), testId: 'summary-duplicates' },
          { label: 'Conflicts', value: summary.conflicts.length.toLocaleString(), testId: 'summary-conflicts' },
          { label: 'Out of scope', value: summary.outOfScope.toLocaleString(), testId: 'summary-out-of-scope' },
        ]}
      />
      <p className="muted">
        The vault now holds {summary.total.toLocaleString()} {summary.total === 1 ? 'key' : 'keys'}
        {summary.expiresAt ? `; lookups stop after ${formatWhen(summary.expiresAt, false)}` : ''}.
      </p>
      <SummaryTable caption="Files read" columns={[{ label: 'File' }, { label: 'Layout' }, { label: 'Key IDs' }, { label: 'Rows', num: true }, { label: 'Keys', num: true }]}>
        {summary.files.map((file) => (
          <tr key={file.file} data-testid="summary-file">
            <td className="mono break">{fileName(file.file)}</td>
            <td>{LAYOUTS[file.layout] ?? file.layout}</td>
            <td data-testid="summary-key-ids">{file.keyIds ? describeKeyIds(file.keyIds) : 'From the export’s key ID field.'}</td>
            <td className="num">{file.rows.toLocaleString()}</td>
            <td className="num">{file.keys.toLocaleString()}</td>
          </tr>
        ))}
      </SummaryTable>
      {summary.rejected.length > 0 ? (
        <Problems count={summary.rejected.length} tone="warning" title="Rejected rows: fix them in the export and import it again">
          <SummaryTable caption="Rejected rows" testId="rejected-rows" columns={[{ label: 'Where' }, { label: 'Why' }]}>
            {summary.rejected.map((row) => (
              <tr key={`${row.file}:${row.line}:${row.reason}`}>
                <td className="mono nowrap">
                  {fileName(row.file)}:{row.line}
                </td>
                <td>{row.reason}</td>
              </tr>
            ))}
          </SummaryTable>
        </Problems>
      ) : null}
      {summary.warnings.length > 0 ? (
        <Problems count={summary.warnings.length} tone="info" title="Imported, but worth a look">
          <SummaryTable caption="Warnings" testId="import-warnings" columns={[{ label: 'Where' }, { label: 'What' }]}>
            {summary.warnings.map((row) => (
              <tr key={`${row.file}:${row.line}:${row.message}`}>
                <td className="mono nowrap">
                  {fileName(row.file)}:{row.line}
                </td>
                <td>{row.message}</td>
              </tr>
            ))}
          </SummaryTable>
        </Problems>
      ) : null}
      {summary.conflicts.length > 0 ? (
        <Problems count={summary.conflicts.length} tone="info" title="Conflicts: one key ID with two passwords; the newer one was kept">
          <SummaryTable caption="Conflicts" testId="conflicts" columns={[{ label: 'Key ID' }, { label: 'Kept' }, { label: 'Dropped' }]}>
            {summary.conflicts.map((conflict) => (
              <tr key={conflict.id}>
                <td>
                  <KeyIdText id={conflict.id} />
                </td>
                <td>
                  {fileName(conflict.kept.source)} · {formatWhen(conflict.kept.created)}
                </td>
                <td>
                  {fileName(conflict.dropped.source)} · {formatWhen(conflict.dropped.created)}
                </td>
              </tr>
            ))}
          </SummaryTable>
        </Problems>
      ) : null}
    </section>
  );
}

function Problems({ count, tone, title, children }: { count: number; tone: 'warning' | 'info'; title: string; children: ReactNode }): ReactElement {
  return (
    <div className="stack-sm">
      <h4 className="import-summary__subtitle">
        <Badge tone={tone}>{count}</Badge> {title}
      </h4>
      {children}
    </div>
  );
}

function SummaryTable({ caption, testId, columns, children }: { caption: string; testId?: string; columns: { label: string; num?: boolean }[]; children: ReactNode }): ReactElement {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.num ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
