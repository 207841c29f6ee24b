// A real headless Chromium for the suites that check a page as a person sees it (the room view).
// It is the machine's own browser (Debian's `chromium`; CI installs it), driven by playwright-core,
// which downloads nothing. Each launch gets a fresh profile in the test's temporary folder and no
// network of its own (no updates, no sync, no QUIC), so nothing on the machine leaks in. Without a
// Chromium the suites skip, and say why.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Chromium is: $KATA_CHROMIUM, or the first of the usual places that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const places = [
    env.KATA_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return places.find((place): place is string => place !== undefined && existsSync(place));
}

/** The name of the one test a suite shows when no Chromium is found. */
export const noChromium =
  'skipped: no Chromium found (install chromium, or set KATA_CHROMIUM to its path, to run this suite)';

/** A headless Chromium with a fresh profile under `folder`; close() ends it. */
export function launchChromium(executablePath: string, folder: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(folder, 'profile'), {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
}

/**
 * How many distinct colours a PNG holds (counting stops at `enough`): a blank screenshot has one.
 * The browser decodes it, on a canvas in a page of its own. (The script is text: this project's
 * types describe Node, not a browser's document.)
 */
export async function coloursIn(
  context: BrowserContext,
  png: Buffer,
  enough = 16,
): Promise<number> {
  const page = await context.newPage();
  const source = `data:image/png;base64,${png.toString('base64')}`;
  try {
    return await page.evaluate<number>(`(async () => {
      const image = new Image();
      image.src = ${JSON.stringify(source)};
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const drawing = canvas.getContext('2d');
      drawing.drawImage(image, 0, 0);
      const pixels = drawing.getImageData(0, 0, image.width, image.height).data;
      const seen = new Set();
      for (let at = 0; at < pixels.length && seen.size < ${enough}; at += 4)
        seen.add(pixels[at] * 65536 + pixels[at + 1] * 256 + pixels[at + 2]);
      return seen.size;
    })()`);
  } finally {
    await page.close();
  }
}
