import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's order, except on a run with no recorded durations (a clean CI clone): then the Wine
 * files (`*.wine.test.ts`, 20–130 s each, the longest in the suite) start first, so none of them
 * is left running alone at the end while the other fork idles. Vitest alone would start them by
 * file size, two of them among the last.
 */
export class WineFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const known = (spec: TestSpecification) => this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`) !== undefined;
    const wineFirst = (spec: TestSpecification) => !known(spec) && spec.moduleId.endsWith('.wine.test.ts');
    return [...sorted.filter(wineFirst), ...sorted.filter((spec) => !wineFirst(spec))];
  }
}
