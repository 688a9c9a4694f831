import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as http from '../../src/index.ts';

const doc = readFileSync(new URL('../../../../docs/http-client.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../../src/client/errors.ts', import.meta.url), 'utf8');

describe('docs/http-client.md stays in sync', () => {
  it('lists every client error class with its code', () => {
    const codes = [...source.matchAll(/'(ERR_PODKIT_HTTP_[A-Z_]+)'/g)].map((m) => m[1] as string);
    const classes = [...source.matchAll(/export class (\w+) extends PodkitHttpError/g)].map((m) => m[1] as string);
    expect(codes.length).toBe(classes.length);
    for (const name of classes) {
      expect(Object.keys(http)).toContain(name);
      expect(doc).toContain(`\`${name}\``);
    }
    for (const code of codes) expect(doc).toContain(`\`${code}\``);
  });

  it('lists every default', () => {
    for (const [group, values] of Object.entries(http.CLIENT_DEFAULTS)) {
      if (typeof values !== 'object') continue;
      for (const key of Object.keys(values)) expect(doc, `${group}.${key}`).toContain(`${group}.${key}`);
    }
  });
});
