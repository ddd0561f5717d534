'use strict';
// electron-builder `beforeBuild` hook. dist/electron/main.cjs and preload.cjs bundle every
// runtime dependency except `electron` itself (scripts/build-electron.mjs), and the renderer
// is a Vite build; so the packaged app needs no node_modules. Resolving to false tells
// electron-builder that node_modules are handled here: it neither installs/rebuilds them nor
// copies any into app.asar (react, tsx/esbuild binaries, … stay out of the package).
async function beforeBuild() {
  return false;
}

module.exports = { beforeBuild };
