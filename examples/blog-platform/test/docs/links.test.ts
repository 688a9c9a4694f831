/**
 * The documentation site has no broken links: every relative link in docs/ (except the generated
 * API reference), README.md and bench/README.md points at a file that exists, and every
 * `#anchor` into a Markdown file matches one of its headings (GitHub's slugs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

function markdownFiles(): string[] {
  const docs = readdirSync(path.join(repoRoot, 'docs'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !path.relative(repoRoot, f).startsWith(path.join('docs', 'api')));
  return [...docs, path.join(repoRoot, 'README.md'), path.join(repoRoot, 'bench', 'README.md')];
}

const withoutCode = (text: string): string => text.replace(/```[\s\S]*?```/g, '');

/** GitHub's heading slug: lowercase, punctuation dropped (except - and _), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*~]/g, '')
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    anchors = new Set(
      withoutCode(readFileSync(file, 'utf8'))
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => slug(line.replace(/^#+ /, ''))),
    );
    anchorCache.set(file, anchors);
  }
  return anchors;
}

describe('documentation links', () => {
  it('point at files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = withoutCode(readFileSync(file, 'utf8'));
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link!)) continue; // http:, https:, mailto:
        const [target = '', anchor] = link!.split('#');
        const resolved = target === '' ? file : path.resolve(path.dirname(file), target);
        const where = `${path.relative(repoRoot, file)} → ${link!}`;
        if (!existsSync(resolved)) broken.push(`${where}: no such file`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
