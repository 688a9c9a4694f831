import { readFileSync } from 'node:fs';

/** The example's version (from its package.json), logged and exported as a metric label. */
export const PLATFORM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
