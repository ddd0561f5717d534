import { appContract } from '../app/contract.js';
import { drivesContract } from '../drives/contract.js';
import { journalContract } from '../journal/contract.js';
import { keysContract } from '../keys/contract.js';
import { mediaContract } from '../media/contract.js';
import { playbooksContract } from '../playbooks/contract.js';
import { recoverContract } from '../recover/contract.js';
import { settingsContract } from '../settings/contract.js';
import { syncContract } from '../sync/contract.js';
import { thisLaptopContract } from '../this-laptop/contract.js';
import type { BridgeOf } from './envelope.js';
import { mergeContracts, methodNamesOf, type InputOf, type MethodNameOf, type OutputOf, type ParsedInputOf, type StreamingNameOf } from './define.js';

/**
 * THE technician app's local API: every method the renderer may call, joined from the
 * features' slices (core/<feature>/contract.ts). Adding a method to a slice makes it appear
 * in the Electron preload, the ipcMain adapter, the web host, the typed renderer client and
 * the CLI's `callApi`; main/<feature>/handlers.ts must then implement it (the compiler
 * insists, through main/api.ts). The order here is the order of the slices.
 */
export const contract = mergeContracts(appContract, settingsContract, thisLaptopContract, drivesContract, playbooksContract, mediaContract, keysContract, journalContract, recoverContract, syncContract);

export type Contract = typeof contract;
export type MethodName = MethodNameOf<Contract>;
export type MethodInput<K extends MethodName> = InputOf<Contract, K>;
export type ParsedInput<K extends MethodName> = ParsedInputOf<Contract, K>;
export type MethodOutput<K extends MethodName> = OutputOf<Contract, K>;
export type StreamingMethodName = StreamingNameOf<Contract>;

export const methodNames = methodNamesOf(contract);

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** The one global the Electron preload exposes (`window.bootmend`), derived from the contract. */
export type BootmendBridge = BridgeOf<Contract>;
