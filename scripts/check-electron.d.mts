/** Types of check-electron.mjs (`npm run check:electron`); see that file for what each does. */
export type RegistryAnswer = { ok: true; distTags: Record<string, string> } | { ok: false; reason: string };
export interface Decision {
  status: 'supported' | 'unsupported' | 'ahead' | 'unknown';
  message: string;
  supported?: number[];
}

export const SUPPORTED_MAJOR_LINES: number;
export const REGISTRY_TIMEOUT_MS: number;
export function majorOf(version: unknown): number | null;
export function pinnedMajor(spec: unknown): number | null;
export function isPrerelease(version: unknown): boolean;
export function newestStable(distTags: Record<string, unknown> | null | undefined): string | null;
export function parseRegistryAnswer(stdout: string): RegistryAnswer;
export function decide(pinned: string | undefined, answer: RegistryAnswer): Decision;
export function fetchDistTags(options?: { timeoutMs?: number }): Promise<RegistryAnswer>;
export function checkElectron(options?: {
  root?: string;
  fetch?: () => Promise<RegistryAnswer>;
  log?: (line: string) => void;
  warn?: (line: string) => void;
}): Promise<number>;
