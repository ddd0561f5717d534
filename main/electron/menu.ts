import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  appName: string;
  isMac: boolean;
  /** Packaged builds get no Reload and no developer tools. */
  isPackaged: boolean;
  onAbout: () => void;
}

/** A deliberately small menu: File > Quit, Edit (clipboard roles), View, Help > About. */
export function buildMenuTemplate({ appName, isMac, isPackaged, onAbout }: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    ...(isPackaged
      ? []
      : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] satisfies MenuItemConstructorOptions[])),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? ([{ role: 'appMenu', label: appName }] satisfies MenuItemConstructorOptions[]) : []),
    { label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' }] },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: '&View', submenu: view },
    { label: '&Help', role: 'help', submenu: [{ label: `About ${appName}`, click: () => onAbout() }] },
  ];
}
