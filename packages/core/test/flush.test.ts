import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, flushLogger } from '../src/index.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('flushLogger', () => {
  it('writes every buffered line of an asynchronous destination before resolving', async () => {
    dir = mkdtempSync(join(tmpdir(), 'podkit-core-flush-'));
    const file = join(dir, 'out.log');
    const destination = pino.destination({ dest: file, sync: false, minLength: 8 * 1024 });
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = createLogger({ service: { name: 's', version: '1' }, destination });
    for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
    logger.fatal('last words');
    await flushLogger(logger);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(501);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 'fatal', msg: 'last words' });
    destination.end();
  });
});
