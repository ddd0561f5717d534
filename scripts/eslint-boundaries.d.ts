/** Types of eslint-boundaries.js (the folder-boundary ESLint rule); see that file for what each does. */
import type { Rule } from 'eslint';

export interface LayerRule {
  readme: string;
  npm: string[];
  typesOnlyNpm?: string[];
  testNpm?: string[];
  configNpm?: string[];
  layers: string[];
  node?: boolean;
  why: string;
}

export function layerOf(absPath: string): string;
export const RULES: Record<'core' | 'core/node' | 'renderer' | 'renderer/ui' | 'main' | 'main/electron' | 'server', LayerRule>;
export const ZOD_FREE: string[];
export function npmSentence(layer: string): string;

declare const rule: Rule.RuleModule;
export default rule;
