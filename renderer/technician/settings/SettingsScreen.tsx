import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { AppInfo } from '../../../core/app/contract.js';
import type { Tool } from '../../../core/settings/contract.js';
import type { Settings, ThemePreference } from '../../../core/settings/schemas.js';
import { useClient } from '../../state/client.js';
import { useAppInfo, useStatus } from '../../state/resources.js';
import { SETTINGS_FIELDS, useSettings, type SettingsField } from './store.js';
import { messageAt, type FieldFailure } from '../../state/errors.js';
import { useToolCheck } from './tools-store.js';
import { isActive, jobProgress } from '../../state/job.js';
import { Badge } from '../../ui/Badge.js';
import { Button } from '../../ui/Button.js';
import { Card } from '../../ui/Card.js';
import { ErrorBanner, Notice } from '../../ui/ErrorBanner.js';
import { Field } from '../../ui/Field.js';
import { ChoiceCards, type Choice } from '../../ui/ChoiceCards.js';
import { CheckCircleIcon, CheckIcon, ErrorIcon, InfoIcon, MinusCircleIcon, RefreshIcon } from '../../ui/icons.js';
import { KeyValueList } from '../../ui/KeyValue.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { ScreenHeader } from '../../ui/ScreenHeader.js';
import { Loading } from '../../ui/Spinner.js';
import { hostLabel, platformLabel } from '../shell/labels.js';
import { BackendCard } from '../sync/BackendCard.js';
import { GraphCard } from './GraphCard.js';

export function SettingsScreen(): ReactElement {
  const client = useClient();
  const settings = useSettings((s) => s.settings);
  const loading = useSettings((s) => s.loading);
  const loadError = useSettings((s) => s.loadError);

  useEffect(() => {
    const state = useSettings.getState();
    if (state.settings === null && !state.loading) void state.load(client);
  }, [client]);

  return (
    <>
      <ScreenHeader title="Settings" lead="How Bootmend looks, who you are, and where the helpdesk backend lives." />
      <div className="stack">
        {loadError && !settings ? (
          <ErrorBanner
            title="Could not read your settings"
            message={loadError}
            action={
              <Button variant="primary" icon={<RefreshIcon />} busy={loading} onClick={() => void useSettings.getState().load(client)}>
                Retry
              </Button>
            }
          />
        ) : null}
        {settings ? (
          <>
            <AppearanceCard theme={settings.theme} />
            <TechnicianCard settings={settings} />
            <BackendCard />
            <GraphCard graph={settings.graph} />
          </>
        ) : loading || !loadError ? (
          <div className="card">
            <div className="card__body">
              <Loading>Reading your settings…</Loading>
            </div>
          </div>
        ) : null}
        <EnvironmentCard />
        <AboutCard />
      </div>
    </>
  );
}

const THEMES: readonly Choice<ThemePreference>[] = [
  { id: 'system', label: 'System', hint: "Follows this laptop's own setting" },
  { id: 'light', label: 'Light', hint: 'Best in bright rooms and daylight' },
  { id: 'dark', label: 'Dark', hint: 'Easier on the eyes in dim server rooms' },
];

function AppearanceCard({ theme }: { theme: ThemePreference }): ReactElement {
  const client = useClient();
  const saveError = useSettings((s) => s.themeSaveError);
  return (
    <Card title="Appearance" id="settings-appearance" description="Applies at once and is remembered on this laptop.">
      <ChoiceCards
        name="theme"
        legend="Theme"
        options={THEMES}
        value={theme}
        onChange={(id) => void useSettings.getState().setTheme(client, id)}
        variant="compact"
        adornment={(id) => <span className={`choice__swatch choice__swatch--${id}`} aria-hidden="true" />}
      />
      {saveError ? (
        <p className="field__error" role="alert">
          <ErrorIcon size={18} /> The theme is applied, but it could not be saved: {saveError}
        </p>
      ) : null}
    </Card>
  );
}

type Draft = Pick<Settings, SettingsField>;

const FIELDS: Record<keyof Draft, { label: string; hint: string }> = {
  technicianName: {
    label: 'Technician name',
    hint: 'Recorded with every machine you recover and every recovery password you reveal.',
  },
  backendUrl: {
    label: 'Backend URL',
    hint: 'The helpdesk backend that receives your journal, for example https://bootmend.example.org. Leave it empty to work offline.',
  },
};

function TechnicianCard({ settings }: { settings: Settings }): ReactElement {
  const client = useClient();
  const [draft, setDraft] = useState<Draft>({ technicianName: settings.technicianName, backendUrl: settings.backendUrl });
  const [failure, setFailure] = useState<FieldFailure<SettingsField> | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const inputs = useRef<Partial<Record<keyof Draft, HTMLInputElement | null>>>({});

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setSaving(true);
    setSavedAt(null);
    const result = await useSettings.getState().save(client, draft, SETTINGS_FIELDS);
    setSaving(false);
    setFailure(result);
    if (result) {
      if (result.field) inputs.current[result.field]?.focus();
      return;
    }
    const saved = useSettings.getState().settings;
    if (saved) setDraft({ technicianName: saved.technicianName, backendUrl: saved.backendUrl });
    setSavedAt(new Date());
    void useStatus.getState().load(client);
  }

  function change(field: keyof Draft, value: string): void {
    setDraft((previous) => ({ ...previous, [field]: value }));
    setSavedAt(null);
    if (failure?.field === field) setFailure(null);
  }

  return (
    <Card title="You and your helpdesk" id="settings-technician" description="Kept on this laptop. Changes take effect when you press Save settings.">
      <form className="form" noValidate onSubmit={(event) => void submit(event)}>
        {failure && !failure.field ? <ErrorBanner title="Your settings were not saved" message={failure.message} /> : null}
        {(Object.keys(FIELDS) as (keyof Draft)[]).map((field) => (
          <TextField
            key={field}
            field={field}
            value={draft[field]}
            error={messageAt(failure, field)}
            inputRef={(element) => {
              inputs.current[field] = element;
            }}
            onChange={(value) => change(field, value)}
          />
        ))}
        <div className="form__actions">
          <Button type="submit" variant="primary" icon={<CheckIcon />} busy={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </Button>
          <p className="form__saved" role="status">
            {savedAt ? (
              <>
                <CheckCircleIcon size={20} /> Saved at {savedAt.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' })}.
              </>
            ) : null}
          </p>
        </div>
      </form>
    </Card>
  );
}

function TextField({
  field,
  value,
  error,
  inputRef,
  onChange,
}: {
  field: keyof Draft;
  value: string;
  error: string | null;
  inputRef: (element: HTMLInputElement | null) => void;
  onChange: (value: string) => void;
}): ReactElement {
  const id = useId();
  const { label, hint } = FIELDS[field];
  const isUrl = field === 'backendUrl';
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(aria) => (
        <input
          ref={inputRef}
          id={id}
          name={field}
          className="input"
          type={isUrl ? 'url' : 'text'}
          inputMode={isUrl ? 'url' : undefined}
          autoComplete={isUrl ? 'url' : 'name'}
          spellCheck={false}
          autoCapitalize={isUrl ? 'off' : 'words'}
          placeholder={isUrl ? 'https://' : undefined}
          value={value}
          {...aria}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

function EnvironmentCard(): ReactElement {
  const client = useClient();
  const check = useToolCheck((s) => s.check);
  const tools = useToolCheck((s) => s.tools);
  const phase = check.status;
  const progress = jobProgress(check);
  const running = isActive(check);
  const found = tools?.filter((tool) => tool.found).length ?? 0;

  const actions = running ? (
    <Button onClick={() => useToolCheck.getState().cancel()} busy={phase === 'cancelling'} aria-disabled={phase === 'cancelling' || undefined}>
      {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
    </Button>
  ) : (
    <Button variant={tools ? 'secondary' : 'primary'} icon={<RefreshIcon />} onClick={() => void useToolCheck.getState().run(client)}>
      {tools || phase === 'failed' || phase === 'cancelled' ? 'Check again' : 'Check tools'}
    </Button>
  );

  return (
    <Card
      title="Environment check"
      id="settings-environment"
      description="Looks for the optional tools Bootmend can use to build and test media. Bootmend works without them, with fewer choices."
      actions={actions}
    >
      {running ? (
        <ProgressBar
          label="Environment check progress"
          fraction={progress?.fraction ?? null}
          message={phase === 'cancelling' ? 'Cancelling…' : (progress?.message ?? 'Starting the check…')}
          {...(progress?.bytesTotal ? { detail: `${progress.bytesDone} of ${progress.bytesTotal} checked` } : {})}
        />
      ) : null}
      {check.status === 'failed' ? <ErrorBanner title="The environment check stopped" message={check.failure.message} /> : null}
      {phase === 'cancelled' ? (
        <Notice icon={<InfoIcon size={22} />}>
          <p>Check cancelled. {tools ? 'The list below is from the previous check.' : 'Press Check again to see which tools this laptop has.'}</p>
        </Notice>
      ) : null}
      {phase === 'idle' && !tools ? <p className="muted">Not checked yet. The check only looks; it installs and changes nothing.</p> : null}
      {tools && !running ? (
        <>
          <p className="summary" role="status">
            <strong>
              {found} of {tools.length}
            </strong>{' '}
            tools found on this laptop.
          </p>
          <ul className="tool-list">
            {tools.map((tool) => (
              <ToolRow key={tool.id} tool={tool} />
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}

function ToolRow({ tool }: { tool: Tool }): ReactElement {
  return (
    <li className="tool" data-testid="tool-row">
      <div className="tool__status">
        {tool.found ? (
          <Badge tone="success" icon={<CheckCircleIcon size={16} />}>
            Found
          </Badge>
        ) : (
          <Badge tone="neutral" icon={<MinusCircleIcon size={16} />}>
            Not found
          </Badge>
        )}
      </div>
      <div className="tool__main">
        <p className="tool__name">
          {tool.name}
          {tool.found && tool.version ? <span className="tool__version">version {tool.version}</span> : null}
        </p>
        <p className="tool__purpose">{tool.purpose}</p>
        {tool.found && tool.path ? <p className="tool__path mono">{tool.path}</p> : null}
      </div>
    </li>
  );
}

function AboutCard(): ReactElement {
  const client = useClient();
  const { data, error, loading, load } = useAppInfo();
  useEffect(() => {
    const state = useAppInfo.getState();
    if (state.data === null && !state.loading) void state.load(client);
  }, [client]);
  return (
    <Card title="About Bootmend" id="settings-about">
      {data ? <AboutList info={data} /> : null}
      {!data && error ? (
        <ErrorBanner
          title="Could not read the version details"
          message={error}
          action={
            <Button icon={<RefreshIcon />} busy={loading} onClick={() => void load(client)}>
              Retry
            </Button>
          }
        />
      ) : null}
      {!data && !error ? <Loading>Reading version details…</Loading> : null}
    </Card>
  );
}

function AboutList({ info }: { info: AppInfo }): ReactElement {
  return (
    <KeyValueList
      columns={2}
      items={[
        { label: 'Version', value: `${info.name} ${info.version}`, testId: 'about-version' },
        { label: 'Running in', value: info.electronVersion ? `${hostLabel(info.host)} ${info.electronVersion}` : hostLabel(info.host) },
        { label: 'Platform', value: platformLabel(info.platform, info.arch) },
        { label: 'Node.js', value: info.nodeVersion },
        { label: 'Data folder', value: info.dataDir, mono: true },
      ]}
    />
  );
}
