// What every `kata run <component>` does once its component is up: keep serving until Ctrl-C or
// SIGTERM, then close cleanly and exit 0 (1 if closing failed).

export interface Closable {
  close(): Promise<void>;
}

export function serveUntilSignal(
  component: string,
  running: Closable,
  log: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
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
