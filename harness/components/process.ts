// What every `kata run <component>` does once its component is up: keep serving until Ctrl-C or
// SIGTERM, then close cleanly and exit 0 (1 if closing failed). Until then the program stays alive
// on its own: a component whose API server has gone away holds no connection and waits on timers
// that do not keep a program alive (harness/clock.ts), and without this it would end silently
// instead of reconnecting once the API server is back.

export interface Closable {
  close(): Promise<void>;
}

export function serveUntilSignal(
  component: string,
  running: Closable,
  log: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const alive = setInterval(() => {}, 2 ** 30);
    const stop = (signal: string) => {
      clearInterval(alive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      log(`received ${signal}, closing`);
      running.close().then(
        () => resolve(0),
        (error: Error) => {
          console.error(`kata ${component}: closing failed: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
