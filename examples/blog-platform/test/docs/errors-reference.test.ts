/**
 * docs/errors.md lists every error `code` of every podkit package, no more and no fewer, each
 * with the class that carries it. This test reads the packages' sources (every class that
 * extends a package's base error, transitively, and the literal code it passes to `super`, plus
 * any base error constructed directly with a literal code) and the tables of docs/errors.md,
 * and fails with the difference. It also checks that every documented class is exported from its
 * package, so users can `instanceof` it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const CODE = String.raw`(?:ERR_)?PODKIT_[A-Z0-9_]+`;

interface ClassInfo {
  readonly name: string;
  readonly parent: string;
  readonly pkg: string;
  readonly file: string;
  /** The literal code passed as the first argument of `super(...)`, if any. */
  readonly code: string | undefined;
  /** Declares `readonly code` itself (a package's base error). */
  readonly declaresCode: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

function packages(): string[] {
  return readdirSync(path.join(repoRoot, 'packages'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

/** Every class declaration in the packages' sources, with its parent and literal super code. */
function readClasses(): ClassInfo[] {
  const classes: ClassInfo[] = [];
  const declaration = /^(?:export\s+)?(?:abstract\s+)?class\s+(\w+)\s+extends\s+(\w+)/gm;
  for (const pkg of packages()) {
    for (const file of sourceFiles(path.join(repoRoot, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const matches = [...text.matchAll(declaration)];
      matches.forEach((m, i) => {
        const body = text.slice(m.index, matches[i + 1]?.index ?? text.length);
        const code = new RegExp(String.raw`super\(\s*['"](${CODE})['"]`).exec(body)?.[1];
        classes.push({
          name: m[1]!,
          parent: m[2]!,
          pkg,
          file: path.relative(repoRoot, file),
          code,
          declaresCode: /readonly\s+code\s*:\s*string/.test(body),
        });
      });
    }
  }
  return classes;
}

/** Codes from the source: code → class that carries it. */
function codesInSource(): { codes: Map<string, { cls: string; pkg: string }>; problems: string[] } {
  const classes = readClasses();
  const byName = new Map(classes.map((c) => [c.name, c]));
  const bases = new Set(classes.filter((c) => c.parent === 'Error' && c.declaresCode).map((c) => c.name));
  const isPodkitError = (c: ClassInfo): boolean => {
    for (let at: ClassInfo | undefined = c, depth = 0; at && depth < 20; at = byName.get(at.parent), depth++) {
      if (bases.has(at.name)) return true;
    }
    return false;
  };
  const codes = new Map<string, { cls: string; pkg: string }>();
  const problems: string[] = [];
  for (const c of classes) {
    if (bases.has(c.name) || !isPodkitError(c)) continue;
    if (c.code === undefined) {
      problems.push(`${c.name} (${c.file}) extends a podkit error but passes no literal code to super(...)`);
      continue;
    }
    const seen = codes.get(c.code);
    if (seen) problems.push(`code ${c.code} is used by both ${seen.cls} and ${c.name}`);
    codes.set(c.code, { cls: c.name, pkg: c.pkg });
  }
  // A base error constructed directly with a literal code (new ConfigError('ERR_...', ...)).
  for (const pkg of packages()) {
    for (const file of sourceFiles(path.join(repoRoot, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(new RegExp(String.raw`new\s+(\w+)\(\s*['"](${CODE})['"]`, 'g'))) {
        if (bases.has(m[1]!) && !codes.has(m[2]!)) codes.set(m[2]!, { cls: m[1]!, pkg });
      }
    }
  }
  return { codes, problems };
}

/** Codes documented in docs/errors.md: table rows whose first cell is a code. */
function codesInDocs(): Map<string, string> {
  const text = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const row = new RegExp(String.raw`^\|\s*\`(${CODE})\`\s*\|\s*\`(\w+)\`\s*\|`, 'gm');
  const documented = new Map<string, string>();
  for (const m of text.matchAll(row)) {
    expect(documented.has(m[1]!), `${m[1]!} is listed twice in docs/errors.md`).toBe(false);
    documented.set(m[1]!, m[2]!);
  }
  return documented;
}

describe('docs/errors.md', () => {
  const source = codesInSource();
  const docs = codesInDocs();

  it('finds the error classes in the sources (the scan itself works)', () => {
    expect(source.problems).toEqual([]);
    expect(source.codes.size).toBeGreaterThanOrEqual(10);
    expect(docs.size).toBeGreaterThanOrEqual(10);
  });

  it('lists exactly the codes declared in packages/*/src', () => {
    const inSource = [...source.codes.keys()].sort();
    const inDocs = [...docs.keys()].sort();
    const missing = inSource.filter((c) => !docs.has(c)).map((c) => `${c} (${source.codes.get(c)!.cls})`);
    const extra = inDocs.filter((c) => !source.codes.has(c));
    expect({ missingFromDocs: missing, notInSource: extra }).toEqual({ missingFromDocs: [], notInSource: [] });
  });

  it('names the class that carries each code', () => {
    const wrong = [...docs]
      .filter(([code, cls]) => source.codes.has(code) && source.codes.get(code)!.cls !== cls)
      .map(([code, cls]) => `${code}: docs say ${cls}, source says ${source.codes.get(code)!.cls}`);
    expect(wrong).toEqual([]);
  });

  it('documents only classes that users can import from the package', () => {
    const notExported = [...source.codes.values()]
      .filter(({ cls, pkg }) => {
        const index = readFileSync(path.join(repoRoot, 'packages', pkg, 'src', 'index.ts'), 'utf8');
        return !new RegExp(String.raw`export\s*\{[^}]*\b${cls}\b[^}]*\}\s*from`).test(index);
      })
      .map(({ cls, pkg }) => `${cls} (@podkit/${pkg})`);
    expect(notExported).toEqual([]);
  });
});
