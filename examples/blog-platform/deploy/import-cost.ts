/**
 * Import-by-import memory cost of a service process: RSS and V8 heap after a full GC, after
 * importing each module in turn (cumulative), measured in a fresh plain-JavaScript process (no
 * type stripping of its own), on the packages' compiled `dist/` as the image runs them, or on
 * their TypeScript sources with `--source`.
 *
 *   npx node examples/blog-platform/deploy/import-cost.ts [--source] [module ...]
 *
 * Without modules it walks the services' dependencies. Figures: deploy/MEASUREMENTS.md.
 */
import { execFileSync } from 'node:child_process';

const DEFAULT = [
  'pino',
  'prom-client',
  'zod',
  'undici',
  'opossum',
  '@opentelemetry/api',
  '@podkit/config',
  '@podkit/core',
  '@podkit/http',
  '@podkit/service',
  '@podkit/otel',
  'jose',
  'pg',
  'redis',
  '@electric-sql/pglite',
  'sharp',
];

const args = process.argv.slice(2);
const source = args.includes('--source');
const modules = args.filter((a) => a !== '--source');
const code = `
const mib = (n) => (n / 1048576).toFixed(1);
const sample = () => { gc(); gc(); const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed }; };
let last = sample();
let out = '| module | RSS after GC (MiB) | + RSS | heap after GC (MiB) |\\n|---|---|---|---|\\n| (bare node) | ' + mib(last.rss) + ' | | ' + mib(last.heap) + ' |\\n';
for (const name of ${JSON.stringify(modules.length > 0 ? modules : DEFAULT)}) {
  await import(name);
  const now = sample();
  out += '| ' + name + ' | ' + mib(now.rss) + ' | +' + mib(now.rss - last.rss) + ' | ' + mib(now.heap) + ' |\\n';
  last = now;
}
process.stdout.write(out);
`;
const nodeArgs = ['--expose-gc', ...(source ? ['--conditions=@podkit/source'] : []), '--input-type=module', '-e', code];
process.stdout.write(execFileSync(process.execPath, nodeArgs, { cwd: import.meta.dirname, encoding: 'utf8' }));
