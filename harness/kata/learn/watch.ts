// `kata watch [NN]`: run a chapter's tests, then again every time a file in the chapter is saved.
//
// Editors save in bursts (a temporary file, a rename, a second write), so changes are *debounced*:
// a run starts once the folder has been quiet for a moment, and changes that arrive during a run
// cause exactly one more run after it. Some file systems never deliver change events (WSL on a
// Windows drive, network mounts); --poll asks for each file's modification time instead.
import { watch as watchFolder, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import type { Paint } from '../output.ts';
import { listFiles } from '../course/pristine.ts';

/**
 * Calls `run` once now, then after each quiet spell of `quietMs` following a `poke()`. Never runs
 * twice at once: pokes during a run lead to one more run afterwards.
 */
export function debouncedRunner(run: () => Promise<void>, quietMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const start = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        start();
      }
    });
  };

  return {
    poke() {
      clearTimeout(timer);
      timer = setTimeout(start, quietMs);
    },
    runNow: start,
    stop() {
      clearTimeout(timer);
    },
    /** Resolves when no run is in progress (for tests). */
    async idle() {
      while (running) await running;
    },
  };
}

/** Watches the chapter folder until Ctrl-C; every quiet change reruns `runOnce`. */
export function watchChapter(
  chapter: Chapter,
  runOnce: () => Promise<void>,
  options: { poll: boolean; colour: Paint },
): Promise<number> {
  const relative = `chapters/${folderOf(chapter)}`;
  const folder = path.join(repoRoot, relative);
  const runner = debouncedRunner(async () => {
    await runOnce();
    console.log(
      options.colour.dim(
        `\nWatching ${relative} for changes${options.poll ? ' (polling)' : ''}. Ctrl-C stops.`,
      ),
    );
  }, 150);

  let watcher: FSWatcher | undefined;
  const polled = new Set<string>();
  const pollEverything = () => {
    // Poll the folder too: its modification time changes when a file is added or removed.
    for (const file of [folder, ...listFiles(relative).map((f) => path.join(repoRoot, f))]) {
      if (polled.has(file)) continue;
      polled.add(file);
      watchFile(file, { interval: 500 }, (now, before) => {
        if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
        if (file === folder) pollEverything();
        runner.poke();
      });
    }
  };
  if (options.poll) pollEverything();
  else watcher = watchFolder(folder, () => runner.poke());

  runner.runNow();
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      runner.stop();
      watcher?.close();
      for (const file of polled) unwatchFile(file);
      console.log('');
      resolve(0);
    });
  });
}
