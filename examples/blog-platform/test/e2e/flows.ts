import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, onTestFailed } from 'vitest';
import type { TestPlatform } from '../helpers/platform.ts';
import { type PageProblems, screenshot, watchPage, type TestBrowser } from './browser.ts';

/**
 * The browser flows of the blog, parametrized by the gateway they go through (`baseUrl`): the
 * podkit gateway and the seed's nginx gateway (deploy/overlays/nginx-gateway) run the very same
 * steps against the same services.
 */
export interface FlowTarget {
  readonly browser: TestBrowser;
  /** The platform behind the gateway (its services are killed and restarted by the flows). */
  readonly platform: TestPlatform;
  /** The gateway's base URL: the front end and `/api/...`. */
  readonly baseUrl: string;
  /** Prefix of this gateway's screenshot names ('' for the podkit gateway). */
  readonly shotPrefix: string;
  /** Output lines of a gateway that is not one of the platform's processes (nginx). */
  readonly gatewayLines?: readonly string[];
}

/** Time allowed to each UI step. */
export const UI_TIMEOUT = 45_000;

/** Registers, logs in, writes a post with an image, comments, reloads, logs out. */
export async function blogFlow(g: FlowTarget): Promise<void> {
  const page = await g.browser.context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const problems = watchPage(page);
  onTestFailed(() => explainFailure(page, problems, g));
  const username = `e2e_${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const title = `A day at the lake ${username}`;

  const assets: { url: string; cacheControl: string | undefined }[] = [];
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/assets/')) assets.push({ url: res.url(), cacheControl: res.headers()['cache-control'] });
  });
  const first = await page.goto(g.baseUrl);
  expect(first?.headers()['cache-control']).toBe('no-cache'); // index.html: always revalidated
  await page.getByRole('heading', { level: 1, name: 'Latest posts' }).waitFor();
  // The hashed bundle is cached for good.
  expect(assets.length).toBeGreaterThanOrEqual(2);
  for (const asset of assets) expect(asset.cacheControl, asset.url).toContain('immutable');
  await screenshot(page, `${g.shotPrefix}home`);
  // Keyboard users land on the skip link first.
  await page.keyboard.press('Tab');
  expect(await page.evaluate<string>("document.activeElement?.textContent ?? ''")).toBe('Skip to content');

  // Register: the app sends the person to the login form with the username filled in.
  await page.getByRole('link', { name: 'Register' }).click();
  await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name (optional)').fill('E2E Person');
  await page.getByLabel('Password').fill(password);
  await screenshot(page, `${g.shotPrefix}register`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  expect(await page.getByLabel('Username').inputValue()).toBe(username);
  await expectFocusOnHeading(page, 'Log in');

  // Log in, with the keyboard: Enter in the password field submits the form.
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.getByText('Signed in as').waitFor();
  await screenshot(page, `${g.shotPrefix}logged-in`);

  // Write a post and upload an image: "Processing image…" first, then the thumbnail.
  await page.getByRole('link', { name: 'Write a post' }).click();
  await page.getByRole('heading', { level: 1, name: 'Write a post' }).waitFor();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Body').fill('We walked around the lake.\n\nThe water was cold.');
  await page.getByLabel(/Add an image/).setInputFiles({ name: 'lake.png', mimeType: 'image/png', buffer: await testImage() });
  await page.getByText('Processing image…').waitFor();
  await screenshot(page, `${g.shotPrefix}image-processing`);
  const thumbnail = page.getByRole('img', { name: 'Image 1 of this post' });
  await thumbnail.waitFor();
  await expectLoadedImage(page, 'Image 1 of this post', /\/api\/images\/[^/]+\/thumbnail$/);
  await screenshot(page, `${g.shotPrefix}image-ready`);
  await page.getByRole('button', { name: 'Publish post' }).click();

  // The post page shows the post, its processed image and the confirmation.
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByText('Your post is published.').waitFor();
  const imageName = `Image 1 of 1 in “${title}”`;
  await expectLoadedImage(page, imageName, /\/api\/images\/[^/]+\/display$/);

  // Comment.
  await page.getByLabel('Your comment').fill('What a lovely lake.');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.getByRole('listitem').filter({ hasText: 'What a lovely lake.' }).waitFor();
  await screenshot(page, `${g.shotPrefix}post-with-comment`);

  // Reload: still logged in, and everything is still there (from the services, not the page's memory).
  await page.reload();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await expectLoadedImage(page, imageName, /\/display$/);
  await page.getByText('What a lovely lake.').waitFor();
  await page.getByText('Signed in as').waitFor();
  await page.getByRole('link', { name: 'Edit post' }).waitFor();
  await screenshot(page, `${g.shotPrefix}after-reload`);

  // The post is first in the list, newest first.
  await page.getByRole('link', { name: 'Back to all posts' }).click();
  await page.getByRole('heading', { level: 1, name: 'Latest posts' }).waitFor();
  expect(await page.getByRole('article').first().getByRole('heading', { level: 2 }).textContent()).toBe(title);
  // Its comment count comes from the comment-counter worker's projection (eventually consistent):
  // reload until the worker has counted the comment.
  for (let i = 0; !(await page.getByRole('article').first().textContent())?.includes('· 1 comment'); i++) {
    expect(i, 'the post list shows "1 comment" once the worker counted it').toBeLessThan(50);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Latest posts' }).waitFor();
    await page.getByRole('article').first().waitFor();
  }
  await screenshot(page, `${g.shotPrefix}list-with-comment-count`);

  // Log out.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You are logged out.').waitFor();
  await page.getByRole('link', { name: 'Log in' }).waitFor();
  await screenshot(page, `${g.shotPrefix}logged-out`);
  await page.reload();
  await page.getByRole('link', { name: 'Log in' }).waitFor();
  expect(await page.getByText('Signed in as').count()).toBe(0);

  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
  await page.close();
}

/** Says plainly that posts are unavailable when the posts service is down, and recovers. */
export async function postsDownFlow(g: FlowTarget): Promise<void> {
  const page = await g.browser.context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const problems = watchPage(page);
  onTestFailed(() => explainFailure(page, problems, g));

  await g.platform.kill('posts');
  await page.goto(g.baseUrl);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toContain('Service unavailable');
  expect(await alert.textContent()).toContain("We can't reach posts right now");
  // The rest of the app still works: header, navigation, the login page.
  await page.getByRole('link', { name: 'podkit blog' }).waitFor();
  await screenshot(page, `${g.shotPrefix}posts-down`);

  await g.platform.restart('posts');
  await page.getByRole('button', { name: 'Try again' }).click();
  // The breaker may still be open for a moment: try again until the list shows (empty when
  // posts keeps its data in memory, i.e. PGlite without DATABASE_URL: a restart forgets it).
  await expect
    .poll(
      async () => {
        if ((await page.getByRole('article').count()) > 0) return true;
        if (await page.getByText('No posts yet.').isVisible()) return true;
        // The button can go between isVisible() and click() (the list arrived): a click then
        // would wait out the page's default timeout (45 s) inside one poll, longer than the
        // poll itself. A short click that may find nothing; the next poll sees the list.
        const retry = page.getByRole('button', { name: 'Try again' });
        if (await retry.isVisible()) await retry.click({ timeout: 1000 }).catch(() => undefined);
        return false;
      },
      { timeout: UI_TIMEOUT, interval: 1000 },
    )
    .toBe(true);
  await screenshot(page, `${g.shotPrefix}posts-back`);

  expect(problems.pageErrors).toEqual([]);
  // The only console errors are the browser's own notes about the 503 answers.
  expect(problems.consoleErrors.filter((e) => !/status of 50[234]/.test(e))).toEqual([]);
  await page.close();
}

/** On failure: a screenshot, what the page said, and the tail of every service's log. */
async function explainFailure(page: Page, problems: PageProblems, g: FlowTarget): Promise<void> {
  await screenshot(page, 'FAILED').catch(() => undefined);
  const text = await page.locator('main').innerText({ timeout: 1000 }).catch(() => '(no main)');
  const all = { ...g.platform.logs, ...(g.gatewayLines === undefined ? {} : { nginx: g.gatewayLines }) };
  const logs = Object.entries(all).map(([id, lines]) => `--- ${id}\n${lines.slice(-15).join('\n')}`);
  console.error(`page at ${page.url()} shows:\n${text}\n${JSON.stringify(problems, null, 2)}\n${logs.join('\n')}`);
}

/** An 800×600 PNG (a sky-to-lake gradient with a sun), as a person would upload. */
async function testImage(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#9fd3ff"/><stop offset="0.55" stop-color="#fef6e4"/><stop offset="0.56" stop-color="#2a6fa8"/><stop offset="1" stop-color="#123a5c"/>
    </linearGradient></defs>
    <rect width="800" height="600" fill="url(#g)"/><circle cx="600" cy="170" r="70" fill="#ffb703"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The image with this accessible name is shown, from the expected URL, and actually decoded. */
async function expectLoadedImage(page: Page, name: string, src: RegExp): Promise<void> {
  const img = page.getByRole('img', { name });
  await img.waitFor();
  expect(await img.getAttribute('src')).toMatch(src);
  await expect.poll(() => img.evaluate((el) => {
    const image = el as unknown as { complete: boolean; naturalWidth: number };
    return image.complete && image.naturalWidth > 0;
  })).toBe(true);
}

async function expectFocusOnHeading(page: Page, name: string): Promise<void> {
  await expect.poll(() => page.evaluate<string>("document.activeElement?.textContent ?? ''")).toBe(name);
}
