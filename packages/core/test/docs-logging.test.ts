/**
 * docs/logging.md's buffered-destination example runs as written (a child process, its stdout
 * read): the buffered info line and the error line both arrive, in order.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const page = readFileSync(new URL('../../../docs/logging.md', import.meta.url), 'utf8');
const script = fileURLToPath(new URL('./fixtures/docs-logging-example.ts', import.meta.url));
afterAll(() => rmSync(script, { force: true }));

describe('docs/logging.md', () => {
  it('the bufferedDestination example writes both lines, in order, before the process ends', () => {
    const block = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('bufferedDestination('));
    expect(block, 'a ts block using bufferedDestination').toBeDefined();
    writeFileSync(script, block!.replace("from '@podkit/core'", "from '../../src/index.ts'"));
    const out = execFileSync(process.execPath, ['--conditions=@podkit/source', script], { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    const lines = out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'buffered: written within 50 ms'],
      ['error', 'written now, after the line above'],
    ]);
  });
});
