import { STATUS_LABEL, STATUS_ORDER, METHOD_LABEL } from '../../core/backend/words.js';
import type { SiteReport } from './report.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value on the page comes from imported spreadsheets and technicians' notes: escaped, always. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const count = (n: number): string => new Intl.NumberFormat('en').format(n);
const minutes = (n: number | null): string => (n === null ? '—' : `${n} min`);
const percent = (part: number, whole: number): string => (whole === 0 ? '0 %' : `${Math.floor((part / whole) * 100)} %`);
/** Times printed in UTC, said so on the page: a report travels between sites and time zones. */
const utc = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');
const siteName = (site: string | null): string => (site === null ? 'No site' : site);

/** Served at /report.css: the page is opened as a blob under the dashboard's CSP (style-src 'self'), where an inline style would not apply. */
export const REPORT_CSS = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #111; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  .when { color: #555; margin: 0 0 1.5rem; }
  .totals { display: flex; gap: 2rem; margin-bottom: 1.5rem; }
  .totals div { border: 1px solid #ccc; border-radius: 6px; padding: .5rem 1rem; }
  .totals strong { display: block; font-size: 1.6rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
  th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; }
  th { background: #f3f3f3; }
  table.counts { width: auto; min-width: 24rem; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .hint { background: #fff8d6; padding: .5rem 1rem; border-radius: 6px; }
  @media print { .hint { display: none; } body { margin: 0; } tr { break-inside: avoid; } }
`;

/** The printable report: one page, no script; its only resource is the server's own /report.css (`origin`: the address the dashboard uses). */
export function reportHtml(report: SiteReport, origin: string): string {
  const title = report.site === null ? 'Recovery report — every site' : `Recovery report — ${escapeHtml(report.site)}`;
  const down = report.total - report.up;
  const statusRows = STATUS_ORDER.map((s) => `<tr><td>${STATUS_LABEL[s]}</td><td class="n">${count(report.byStatus[s])}</td></tr>`).join('');
  const siteRows = report.sites
    .map((s) => `<tr><td>${escapeHtml(siteName(s.site))}</td><td class="n">${count(s.total)}</td><td class="n">${count(s.up)}</td><td class="n">${count(s.total - s.up)}</td><td class="n">${percent(s.up, s.total)}</td></tr>`)
    .join('');
  const downRows = report.down
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.hostname)}</td><td>${escapeHtml(m.serial ?? '')}</td><td>${escapeHtml(m.assetTag ?? '')}</td>${report.site === null ? `<td>${escapeHtml(siteName(m.site))}</td>` : ''}<td>${STATUS_LABEL[m.status]}</td><td>${m.method ? METHOD_LABEL[m.method] : ''}</td><td>${escapeHtml(m.technician ?? '')}</td><td>${utc(m.lastEventAt)}</td><td>${escapeHtml(m.notes ?? '')}</td></tr>`,
    )
    .join('');
  const ttf = report.timeToFix;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="${escapeHtml(origin)}/report.css"></head>
<body>
<p class="hint">Print this page (Ctrl+P) or save it as PDF. It shows the state at the time below; reload for a newer one.</p>
<h1>${title}</h1>
<p class="when">As of ${utc(report.at)}</p>
<section class="totals" aria-label="Totals">
  <div>Machines<strong>${count(report.total)}</strong></div>
  <div>Up<strong>${count(report.up)}</strong>${percent(report.up, report.total)}</div>
  <div>Still down<strong>${count(down)}</strong></div>
  <div>Time to fix (median)<strong>${minutes(ttf.medianMinutes)}</strong>90 %: ${minutes(ttf.p90Minutes)} · mean ${minutes(ttf.meanMinutes)} · ${count(ttf.machines)} fixed</div>
</section>
<h2>By status</h2>
<table class="counts"><thead><tr><th>Status</th><th class="n">Machines</th></tr></thead><tbody>${statusRows}</tbody></table>
${report.site === null && report.sites.length > 0 ? `<h2>By site</h2>\n<table class="counts"><thead><tr><th>Site</th><th class="n">Machines</th><th class="n">Up</th><th class="n">Down</th><th class="n">Up %</th></tr></thead><tbody>${siteRows}</tbody></table>` : ''}
<h2>Machines still down (${count(down)})</h2>
${
  down === 0
    ? '<p>None: every machine is up.</p>'
    : `<table><thead><tr><th>Hostname</th><th>Serial</th><th>Asset tag</th>${report.site === null ? '<th>Site</th>' : ''}<th>Status</th><th>Method</th><th>Technician</th><th>Last event</th><th>Notes</th></tr></thead><tbody>${downRows}</tbody></table>`
}
${report.downNotListed > 0 ? `<p>And ${count(report.downNotListed)} more not listed here: export the machine list (CSV) with the status filter for all of them.</p>` : ''}
</body></html>
`;
}
