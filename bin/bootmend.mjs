#!/usr/bin/env node
// Runs the TypeScript CLI straight from source (tsx), so `npx bootmend` works right
// after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli.ts');
