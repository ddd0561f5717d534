import type { ChildProcess } from 'node:child_process';

/**
 * Waits for the line `NAME=<url>` a started host prints on stdout (the web host's BOOTMEND_URL,
 * the server's BOOTMEND_SERVER_URL) and returns the URL. Rejects, with `stderr()` in the message,
 * when the child exits first or prints nothing within `timeoutMs`.
 */
export function childUrl(child: ChildProcess, name: string, options: { what: string; timeoutMs: number; stderr: () => string }): Promise<string> {
  const line = new RegExp(`^${name}=(\\S+)$`, 'm');
  return new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`${options.what} printed no ${name} within ${options.timeoutMs / 1000} s:\n${stdout}\n${options.stderr()}`)), options.timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = line.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.what} exited with ${code}:\n${options.stderr()}`));
    });
  });
}
