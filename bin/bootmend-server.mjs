#!/usr/bin/env node
// The backend (server/cli.ts) straight from its TypeScript sources through tsx.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
