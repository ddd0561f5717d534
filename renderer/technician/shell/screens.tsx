import type { ComponentType, ReactElement } from 'react';
import type { ScreenId } from '../../state/navigation.js';
import { JournalIcon, KeyIcon, LaptopIcon, MediaIcon, RecoverIcon, SettingsIcon, type IconProps } from '../../ui/icons.js';
import { JournalScreen } from '../journal/JournalScreen.js';
import { KeysScreen } from '../keys/KeysScreen.js';
import { MachineScreen } from '../this-laptop/ThisLaptopScreen.js';
import { MediaScreen } from '../media/MediaScreen.js';
import { RecoverScreen } from '../recover/RecoverScreen.js';
import { SettingsScreen } from '../settings/SettingsScreen.js';

export interface ScreenDefinition {
  id: ScreenId;
  /** The sidebar button's name and the screen's <h1>. */
  label: string;
  icon: (props: IconProps) => ReactElement;
  component: ComponentType;
  group: 'work' | 'laptop';
}

/** The technician app's screens in sidebar order; Alt+1..6 follow this order. */
export const SCREENS: readonly ScreenDefinition[] = [
  { id: 'media', label: 'Media', icon: MediaIcon, component: MediaScreen, group: 'work' },
  { id: 'recover', label: 'Recover', icon: RecoverIcon, component: RecoverScreen, group: 'work' },
  { id: 'keys', label: 'Keys', icon: KeyIcon, component: KeysScreen, group: 'work' },
  { id: 'journal', label: 'Journal', icon: JournalIcon, component: JournalScreen, group: 'work' },
  { id: 'settings', label: 'Settings', icon: SettingsIcon, component: SettingsScreen, group: 'laptop' },
  { id: 'machine', label: 'This machine', icon: LaptopIcon, component: MachineScreen, group: 'laptop' },
];

export function screenById(id: ScreenId): ScreenDefinition {
  return SCREENS.find((screen) => screen.id === id) ?? SCREENS[0]!;
}
