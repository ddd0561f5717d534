import type { MouseEvent, ReactElement } from 'react';
import { useNavigation } from '../../state/navigation.js';
import { Brand } from '../../ui/Brand.js';
import { SHORTCUT_COUNT, screenShortcut } from './screen-list.js';
import { SCREENS, type ScreenDefinition } from './screens.js';

const GROUPS: { id: ScreenDefinition['group']; label: string }[] = [
  { id: 'work', label: 'Field work' },
  { id: 'laptop', label: 'Set-up' },
];

/**
 * The screen list: links with aria-current="page" on the one showing. Screens are not
 * URLs (the fragment carries the web host's #token=), so a click switches the screen in
 * the store and never navigates; a token-less new tab would only show the start error.
 */
export function Sidebar(): ReactElement {
  const screen = useNavigation((s) => s.screen);
  const go = useNavigation((s) => s.go);
  return (
    <aside className="sidebar">
      <Brand tag="Technician" size={38} />
      <nav className="nav" aria-label="Main">
        {GROUPS.map((group) => (
          <div className="nav__group" key={group.id}>
            <p className="nav__group-label" id={`nav-group-${group.id}`}>
              {group.label}
            </p>
            <ul className="nav__list" aria-labelledby={`nav-group-${group.id}`}>
              {SCREENS.filter((item) => item.group === group.id).map((item) => {
                const Icon = item.icon;
                const shortcut = screenShortcut(item.id);
                const current = item.id === screen;
                return (
                  <li key={item.id}>
                    <a
                      href="./"
                      className="nav__item"
                      aria-current={current ? 'page' : undefined}
                      aria-keyshortcuts={shortcut ?? undefined}
                      title={shortcut ? `${item.label} (${shortcut})` : item.label}
                      onClick={(event: MouseEvent<HTMLAnchorElement>) => {
                        event.preventDefault();
                        go(item.id);
                      }}
                    >
                      <Icon size={22} className="nav__icon" />
                      <span>{item.label}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
      <p className="sidebar__hint">
        <span>Switch screens</span>
        <span>
          <kbd>Alt</kbd> + <kbd>1</kbd> … <kbd>{SHORTCUT_COUNT}</kbd>
        </span>
      </p>
    </aside>
  );
}
