import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalNginx, type LocalNginx } from '../../deploy/nginx-gateway.ts';
import { ensureWebBuild, webDistDir } from '../../web/build.ts';
import { nginxMissingMessage, nginxPresent, nginxRequired, nginxSkipMessage } from '../helpers/nginx.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { browserAvailable, browserRequired, clearScreenshots, launchBrowser, missingMessage, skipMessage, type TestBrowser } from './browser.ts';
import { blogFlow, postsDownFlow, type FlowTarget } from './flows.ts';

/**
 * The front end in a real browser against the real platform (five processes, started as by
 * `npm start`, on ephemeral ports): what a person does, end to end. The same flows run through
 * the podkit gateway and through the seed's nginx gateway (deploy/overlays/nginx-gateway: its
 * nginx.conf, run by the local nginx in front of the same services).
 */
if (!browserAvailable && !browserRequired) console.warn(skipMessage);
if (browserAvailable && !nginxPresent && !nginxRequired) console.warn(nginxSkipMessage);

if (!browserAvailable && browserRequired) {
  it('has Chromium for the browser tests', () => {
    expect.fail(missingMessage);
  });
}
if (!nginxPresent && nginxRequired) {
  it('has nginx for the nginx gateway tests', () => {
    expect.fail(nginxMissingMessage);
  });
}

/** Image processing is slowed so the "processing" placeholder is seen for sure before the thumbnail. */
const PROCESSING_DELAY = '3s';

describe.skipIf(!browserAvailable)('the blog in Chromium', () => {
  let platform: TestPlatform;
  let browser: TestBrowser;
  let nginx: LocalNginx | undefined;

  beforeAll(async () => {
    clearScreenshots();
    await ensureWebBuild();
    platform = await startTestPlatform({ serviceEnv: { images: { IMAGES_PROCESSING_DELAY: PROCESSING_DELAY } } });
    if (nginxPresent) nginx = await startLocalNginx({ upstreams: platform.urls as Parameters<typeof startLocalNginx>[0]['upstreams'], webRoot: webDistDir });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await nginx?.close();
    await platform?.close();
  }, 60_000);

  const gateways: { name: string; skip: boolean; target: () => FlowTarget }[] = [
    { name: 'the podkit gateway', skip: false, target: () => ({ browser, platform, baseUrl: platform.gatewayUrl, shotPrefix: '' }) },
    {
      name: "the seed's nginx gateway",
      skip: !nginxPresent,
      target: () => ({ browser, platform, baseUrl: nginx!.url, shotPrefix: 'nginx-', gatewayLines: nginx!.lines }),
    },
  ];
  for (const gateway of gateways) {
    describe.skipIf(gateway.skip)(`through ${gateway.name}`, () => {
      it('registers, logs in, writes a post with an image, comments, reloads, logs out', () => blogFlow(gateway.target()), 180_000);

      it('says plainly that posts are unavailable when the posts service is down, and recovers', () => postsDownFlow(gateway.target()), 120_000);
    });
  }
});
