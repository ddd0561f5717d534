import { useEffect, useState, type ReactElement } from 'react';
import { Button } from '../ui/Button.js';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { Brand } from '../ui/Brand.js';
import { applyTheme, resolveTheme } from '../state/theme.js';
import { AuditScreen } from './audit/AuditScreen.js';
import { ImportScreen } from './fleet/ImportScreen.js';
import { followStream, useLive, type LiveState } from './live.js';
import { MachinesScreen } from './machines/MachinesScreen.js';
import { Overview } from './overview/Overview.js';
import { useSession } from './session.js';
import { SignIn } from './SignIn.js';

const SCREENS = [
  { id: 'overview', label: 'Overview', lead: 'How far are we? Live from every technician.', view: Overview },
  { id: 'machines', label: 'Machines', lead: 'Find a machine, see who worked on it and how.', view: MachinesScreen },
  { id: 'audit', label: 'Key audit', lead: 'Who was shown which recovery key.', view: AuditScreen },
  { id: 'import', label: 'Fleet import', lead: 'The list of affected machines.', view: ImportScreen },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

function screenFromHash(): ScreenId {
  const id = window.location.hash.slice(1);
  return SCREENS.some((s) => s.id === id) ? (id as ScreenId) : 'overview';
}

const LIVE_WORDS: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stopped: 'Not live' };

export function App(): ReactElement {
  const session = useSession((s) => s.session);
  const resume = useSession((s) => s.resume);
  const [resumed, setResumed] = useState(false);
  useEffect(() => {
    void resume().finally(() => setResumed(true));
  }, [resume]);
  if (!resumed) return <main className="signin" aria-busy="true" />;
  return session.phase === 'signed-in' ? <Dashboard token={session.token} name={session.who.name} role={session.who.role} /> : <SignIn />;
}

function Dashboard({ token, name, role }: { token: string; name: string; role: string }): ReactElement {
  const signOut = useSession((s) => s.signOut);
  const live = useLive((s) => s.state);
  const [screen, setScreen] = useState<ScreenId>(screenFromHash);
  const [theme, setTheme] = useState(() => resolveTheme((document.documentElement.dataset.themePreference as 'light' | 'dark' | 'system' | undefined) ?? 'system'));

  useEffect(() => followStream(token, (message) => signOut(message)), [token, signOut]);
  useEffect(() => {
    const onHash = () => setScreen(screenFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const current = SCREENS.find((s) => s.id === screen)!;
  const View = current.view;

  return (
    <div className="hd">
      <a className="skip-link" href="#hd-main">
        Skip to content
      </a>
      <header className="hd__bar">
        <Brand tag="Helpdesk" size={32} />
        <nav aria-label="Dashboard" className="hd__nav">
          {SCREENS.map((s) => (
            <a key={s.id} href={`#${s.id}`} className="hd__tab" aria-current={s.id === screen ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
        <div className="hd__meta">
          <span className={`live live--${live}`} role="status" aria-label={`Live updates: ${LIVE_WORDS[live]}`}>
            <span className="live__dot" aria-hidden="true" />
            {LIVE_WORDS[live]}
          </span>
          <span className="hd__who">
            {name} <span className="muted">({role})</span>
          </span>
          <Button
            variant="ghost"
            onClick={() => {
              const next = theme === 'dark' ? 'light' : 'dark';
              applyTheme(next);
              setTheme(next);
            }}
          >
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </Button>
          <Button variant="ghost" onClick={() => signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="hd-main" className="hd__main" tabIndex={-1}>
        <div className="screen__header">
          <div className="screen__heading">
            <h1>{current.label}</h1>
            <p className="screen__lead">{current.lead}</p>
          </div>
        </div>
        <ErrorBoundary key={screen} title={`${current.label} failed to show`} describe={(error) => (error instanceof Error ? error.message : String(error))}>
          <View />
        </ErrorBoundary>
      </main>
    </div>
  );
}
