import type { ComponentType, ReactElement } from 'react';
import { JournalIcon, KeyIcon, LaptopIcon, MediaIcon, RecoverIcon, SettingsIcon, type IconProps } from '../../ui/icons.js';
import { JournalScreen } from '../journal/JournalScreen.js';
import { KeysScreen } from '../keys/KeysScreen.js';
import { MediaScreen } from '../media/MediaScreen.js';
import { RecoverScreen } from '../recover/RecoverScreen.js';
import { SettingsScreen } from '../settings/SettingsScreen.js';
import { ThisLaptopScreen } from '../this-laptop/ThisLaptopScreen.js';
import { SCREEN_LIST, type ScreenEntry, type ScreenId } from './screen-list.js';

export interface ScreenDefinition extends ScreenEntry {
  id: ScreenId;
  icon: (props: IconProps) => ReactElement;
  component: ComponentType;
}

/** Each screen's icon and component, by id: the compiler wants one for every id in SCREEN_LIST, and no other. */
const VIEWS: Record<ScreenId, Pick<ScreenDefinition, 'icon' | 'component'>> = {
  media: { icon: MediaIcon, component: MediaScreen },
  recover: { icon: RecoverIcon, component: RecoverScreen },
  keys: { icon: KeyIcon, component: KeysScreen },
  journal: { icon: JournalIcon, component: JournalScreen },
  settings: { icon: SettingsIcon, component: SettingsScreen },
  'this-laptop': { icon: LaptopIcon, component: ThisLaptopScreen },
};

/** The technician app's screens in SCREEN_LIST's order (the sidebar's, and Alt+1, Alt+2, …'s). */
export const SCREENS: readonly ScreenDefinition[] = SCREEN_LIST.map((screen) => ({ ...screen, ...VIEWS[screen.id] }));

export function screenById(id: ScreenId): ScreenDefinition {
  return SCREENS.find((screen) => screen.id === id) ?? SCREENS[0]!;
}
