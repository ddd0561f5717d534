import { useEffect, useMemo, type MouseEvent, type ReactElement } from 'react';
import { useClient } from './state/client.js';
import { describeError } from './state/errors.js';
import { useNavigation } from './state/navigation.js';
import { useAppInfo, useStatus } from './state/resources.js';
import { useSettings } from './technician/settings/store.js';
import { screenAtShortcut } from './technician/shell/screen-list.js';
import { screenById } from './technician/shell/screens.js';
import { useActivityTitle } from './technician/shell/activity-title.js';
import { Sidebar } from './technician/shell/Sidebar.js';
import { StatusBar } from './technician/shell/StatusBar.js';
import { ErrorBoundary } from './ui/ErrorBoundary.js';
import { HeadingFocusContext } from './ui/ScreenHeader.js';
import { useRefresh } from './ui/useRefresh.js';

const STATUS_POLL_MS = 10_000;

/** The technician app's shell: sidebar, the active screen, status bar. */
export function App(): ReactElement {
  const client = useClient();
  const screenId = useNavigation((s) => s.screen);
  const screen = screenById(screenId);
  const Screen = screen.component;
  const focusRequest = useNavigation((s) => s.focusRequest);
  const focusHeading = useNavigation((s) => s.focusHeading);
  const headingFocus = useMemo(() => ({ request: focusRequest, focus: focusHeading }), [focusRequest, focusHeading]);

  useEffect(() => {
    void useAppInfo.getState().load(client);
    void useSettings.getState().load(client);
  }, [client]);

  useRefresh(() => void useStatus.getState().load(client), STATUS_POLL_MS, [client]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const modifiers = Number(event.altKey) + Number(event.ctrlKey) + Number(event.metaKey);
      if (modifiers !== 1 || event.shiftKey) return;
      const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
      const id = match ? screenAtShortcut(Number(match[1])) : undefined;
      if (!id) return;
      event.preventDefault();
      useNavigation.getState().go(id, { focusHeading: true });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // Long work shows in the title (taskbar, browser tab) while the technician is in another window.
  const activity = useActivityTitle(screen.id === 'media');
  useEffect(() => {
    document.title = `${activity ?? screen.label} — Bootmend`;
  }, [screen.label, activity]);

  const skipToContent = (event: MouseEvent<HTMLAnchorElement>): void => {
    // The URL fragment is the web host's (#token=); move focus without touching it.
    event.preventDefault();
    useNavigation.getState().go(screenId, { focusHeading: true });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <Sidebar />
      <main className="main" id="main" tabIndex={-1}>
        <div className="screen" data-screen={screen.id}>
          <ErrorBoundary key={screen.id} title={`The ${screen.label} screen could not be shown`} describe={describeError}>
            <HeadingFocusContext value={headingFocus}>
              <Screen />
            </HeadingFocusContext>
          </ErrorBoundary>
        </div>
      </main>
      <StatusBar />
    </div>
  );
}
