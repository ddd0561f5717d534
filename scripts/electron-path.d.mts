/** Types of electron-path.mjs; see that file for what it does. */
export function electronBinaryPath(env?: NodeJS.ProcessEnv): { path: string } | { missing: string };
