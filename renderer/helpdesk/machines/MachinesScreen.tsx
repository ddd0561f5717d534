import { useCallback, useState, type ReactElement } from 'react';
import { Card } from '../../ui/Card.js';
import { SearchIcon } from '../../ui/icons.js';
import { helpdeskApi } from '../api.js';
import { useDebounced, useLiveResource } from '../hooks.js';
import { useToken } from '../session.js';
import { STATUS_LABEL, STATUS_ORDER } from '../words.js';
import { ExportButtons } from './ExportButtons.js';
import { MachineTable } from './MachineTable.js';
import { useMachinePages, type MachineFilter } from './pages.js';
import { Timeline } from './Timeline.js';

/** Every machine: filters, search, the virtualized table and the open machine's timeline. */
export function MachinesScreen(): ReactElement {
  const token = useToken();
  const [filter, setFilter] = useState<MachineFilter>({ status: '', site: '', technician: '', q: '' });
  const [openId, setOpenId] = useState<string | null>(null);
  const q = useDebounced(filter.q, 250);
  const applied = { ...filter, q };
  const pages = useMachinePages(token, applied);
  const loadSummary = useCallback((signal: AbortSignal) => helpdeskApi(token).call('getSummary', {}, 'Reading the sites and technicians', signal), [token]);
  const summary = useLiveResource(loadSummary, 'summary-for-filters');
  const sites = summary.data?.bySite.map((s) => s.site).filter((s): s is string => s !== null) ?? [];
  const technicians = summary.data?.byTechnician.map((t) => t.technician) ?? [];
  const set = (part: Partial<MachineFilter>) => setFilter((f) => ({ ...f, ...part }));

  return (
    <div className={openId ? 'machines machines--open' : 'machines'}>
      <Card title="Machines" description="Every machine of the fleet with its current status; choose one to see its timeline." actions={<ExportButtons filter={applied} />} className="machines__list">
        <div className="filters" role="search" aria-label="Filter machines">
          <label className="filter filter--grow">
            <span className="filter__label">Search</span>
            <span className="filter__search">
              <SearchIcon size={18} aria-hidden="true" />
              <input className="input" type="search" value={filter.q} placeholder="Hostname, serial or asset tag" onChange={(e) => set({ q: e.target.value })} />
            </span>
          </label>
          <FilterSelect label="Status" anyLabel="Any status" value={filter.status} options={STATUS_ORDER.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} onChange={(status) => set({ status })} />
          <FilterSelect label="Site" anyLabel="Every site" value={filter.site} options={sites.map((s) => ({ value: s, label: s }))} onChange={(site) => set({ site })} />
          <FilterSelect label="Technician" anyLabel="Anyone" value={filter.technician} options={technicians.map((t) => ({ value: t, label: t }))} onChange={(technician) => set({ technician })} />
        </div>
        <MachineTable pages={pages} openId={openId} onOpen={setOpenId} />
      </Card>
      {openId ? <Timeline id={openId} onClose={() => setOpenId(null)} /> : null}
    </div>
  );
}

/** One labelled filter: "" (its `anyLabel`) or one of the options. */
function FilterSelect({ label, anyLabel, value, options, onChange }: {
  label: string;
  anyLabel: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}): ReactElement {
  return (
    <label className="filter">
      <span className="filter__label">{label}</span>
      <select className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
