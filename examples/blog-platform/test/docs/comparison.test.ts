/**
 * docs/comparison.md makes claims about other tools; each must be checkable. Every cell about
 * another tool (except "—", "n/a", "none" and "by hand" cells) and every other tool's column
 * header cites a source like `[L1]`; every cited source is listed under "Sources" with a URL, and
 * every listed source is cited. Every issue number the page mentions (`terminus#155`) has its
 * `/issues/155` (or `/pull/155`) URL in the list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const text = readFileSync(new URL('../../../../docs/comparison.md', import.meta.url), 'utf8');
const [body = '', sources = ''] = text.split(/^## Sources$/m);
const CITE = /\[([A-Z]\d+)\]/g;

/** The cells of the first Markdown table of the page, header row first (separator dropped). */
function table(): string[][] {
  const rows = body.split('\n').filter((l) => l.startsWith('|'));
  return rows
    .filter((l) => !/^\|[-| ]+\|$/.test(l))
    .map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));
}

const listed = new Map([...sources.matchAll(/^- \[([A-Z]\d+)\]: (.+)$/gm)].map((m) => [m[1]!, m[2]!]));

describe('docs/comparison.md', () => {
  it('cites a source for every claim about another tool', () => {
    const [header = [], ...rows] = table();
    expect(header.length).toBeGreaterThanOrEqual(8);
    const uncited: string[] = [];
    header.slice(2).forEach((h, i) => {
      const tool = h.replace(CITE, '').trim();
      if (!tool.startsWith('hand-rolled') && h.match(CITE) === null) uncited.push(`header ${tool}`);
      for (const row of rows) {
        const cell = row[i + 2] ?? '';
        if (/^(—|n\/a|none|by hand)(?=$|[ (:])/.test(cell)) continue;
        if (cell.match(CITE) === null) uncited.push(`${row[0] ?? ''} / ${tool}: ${cell}`);
      }
    });
    expect(uncited).toEqual([]);
  });

  it('lists every cited source with a URL, and cites every listed one', () => {
    const cited = new Set([...body.matchAll(CITE)].map((m) => m[1]!));
    expect([...cited].filter((c) => !listed.has(c))).toEqual([]);
    expect([...listed.keys()].filter((c) => !cited.has(c))).toEqual([]);
    for (const [id, entry] of listed) expect(entry, id).toMatch(/https:\/\/\S+/);
  });

  it('gives every issue it mentions a link to that issue', () => {
    const urls = [...sources.matchAll(/https:\/\/\S+/g)].map((m) => m[0]);
    const missing: string[] = [];
    for (const m of body.matchAll(/([\w./-]+)#(\d+)/g)) {
      const [ref, , number] = m;
      if (!urls.some((u) => new RegExp(`/(issues|pull)/${number!}\\b`).test(u))) missing.push(ref);
    }
    expect(missing).toEqual([]);
  });
});
