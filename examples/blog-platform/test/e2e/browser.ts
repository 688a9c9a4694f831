import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); `PODKIT_CHROMIUM` points elsewhere. */
export const chromiumPath: string = process.env.PODKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Set by `.ci/run`: a missing browser then fails the browser tests instead of skipping them. */
export const browserRequired: boolean = process.env.PODKIT_REQUIRE_BROWSER === '1';

/** True when the browser tests can run. */
export const browserAvailable: boolean = existsSync(chromiumPath);

/** The plain message printed when the browser tests are skipped. */
export const skipMessage = `Chromium not found at ${chromiumPath}: skipping the browser (end-to-end) tests. Enable them with \`apt-get install -y chromium\` (or set PODKIT_CHROMIUM to a Chromium binary); PODKIT_REQUIRE_BROWSER=1 makes a missing browser a failure.`;

/** The failure message when the browser is required but missing. */
export const missingMessage = `Chromium is required here (PODKIT_REQUIRE_BROWSER=1) but was not found at ${chromiumPath}: install it with \`apt-get install -y chromium\`.`;

/** Screenshots go here (ignored by git through `test-results/`). */
export const screenshotDir: string = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-results',
  'screenshots',
);

/** A headless Chromium with a fresh profile, closed (and its profile removed) by `close()`. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh user data dir and no background networking. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'podkit-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage', // containers often have a tiny /dev/shm
      ],
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Console errors and uncaught page errors seen in a page. */
export interface PageProblems {
  /** `console.error` messages (and resource-load failures, which Chromium reports the same way). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  pageErrors: string[];
}

/** Records every console error and page error of `page` from now on. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') {
      const where = msg.location().url ? ` (${msg.location().url})` : '';
      problems.consoleErrors.push(`${msg.text()}${where}`);
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err.stack ?? err.message));
  return problems;
}

let shot = 0;

/** Empties {@link screenshotDir}, so it holds this run's screenshots only. */
export function clearScreenshots(): void {
  rmSync(screenshotDir, { recursive: true, force: true });
  shot = 0;
}

/** Saves a full-page screenshot as `NN-<name>.png` in {@link screenshotDir}. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  shot += 1;
  await page.screenshot({ path: path.join(screenshotDir, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}
