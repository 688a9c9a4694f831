/**
 * docs/service.md agrees with the code: its table of config keys is the list the entry point
 * reads (with the env var each maps to), and its error table lists the codes of errors.ts.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from '@podkit/config';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CONVENTIONAL_KEYS } from '../src/conventions.ts';

const page = readFileSync(new URL('../../../docs/service.md', import.meta.url), 'utf8');
const errors = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');

/** Rows of the table whose header starts with `first`: the cells, backticks removed. */
function table(first: string): string[][] {
  const start = page.indexOf(`| ${first} |`);
  expect(start, `a table starting with "| ${first} |"`).toBeGreaterThan(-1);
  const rows = page.slice(start).split('\n').filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((x) => x.startsWith('|')));
  return rows.slice(2).map((r) => r.split('|').slice(1, -1).map((c) => c.trim().replace(/^`|`$/g, '')));
}

describe('docs/service.md', () => {
  it('lists exactly the config keys the entry point reads, with their env var names', () => {
    const rows = table('key');
    expect(rows.map((r) => r[0])).toEqual([...CONVENTIONAL_KEYS]);
    const schema = z.object({
      port: z.number(),
      admin: z.object({ port: z.number() }),
      log: z.object({ level: z.string() }),
      shutdown: z.object({ gracePeriod: z.number() }),
      accessLog: z.boolean(),
    });
    const env = Object.fromEntries(defineConfig(schema).fields.map((f) => [f.key, f.envVar]));
    for (const [key, envVar] of rows) expect(envVar, key).toBe(env[key!]);
  });

  it('lists exactly the error codes of errors.ts', () => {
    const documented = table('code').map((r) => `${r[0]!} ${r[1]!}`).sort();
    const inSource = [...errors.matchAll(/class (\w+) extends PodkitServiceError[\s\S]*?super\('(ERR_PODKIT_SERVICE_\w+)'/g)].map((m) => `${m[2]!} ${m[1]!}`).sort();
    expect(documented).toEqual(inSource);
  });
});
