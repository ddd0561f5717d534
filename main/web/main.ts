import { launchWebHost, parseLaunchArgs } from './launch.js';

let options;
try {
  options = parseLaunchArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bootmend: ${(error as Error).message}\n`);
  process.exit(64);
}
try {
  const host = await launchWebHost(options);
  const stop = (): void => {
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `bootmend: port ${options.port} is already in use; choose another with --port or leave it out for a free one.\n`
      : `bootmend: the web host could not start: ${(error as Error).message}\n`,
  );
  process.exit(1);
}
