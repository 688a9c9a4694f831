/**
 * A second `@opentelemetry/api` copy, installed on purpose in a temp directory as npm nests one
 * under SDK 2.x packages (their peer range is `<1.10`, so they get a 1.9 copy while podkit uses
 * the root 1.10). Registering through it leaves podkit's copy blind: the API ignores globals
 * registered by an older minor. startTelemetry must say so in one warning.
 *
 * Its own file: a global registered by a 1.9 copy stays marked 1.9 for the rest of the process.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, getTraceIds, withSpan } from '@podkit/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTelemetry } from '../src/index.ts';

/** The copy podkit uses: `@opentelemetry/api` as `@podkit/core` resolves it (entry `<dir>/dist/index.cjs`). */
const ROOT_API = path.dirname(path.dirname(createRequire(path.join(import.meta.dirname, '../../core/package.json')).resolve('@opentelemetry/api')));
let tmp: string;
let nested: string;

/** Copies the installed API into `<tmp>/sdk-v2/node_modules/@opentelemetry/api`, relabelled 1.9.1. */
function installOldCopy(dir: string): string {
  const target = path.join(dir, 'sdk-v2', 'node_modules', '@opentelemetry', 'api');
  cpSync(ROOT_API, target, { recursive: true });
  const version = JSON.parse(readFileSync(path.join(ROOT_API, 'package.json'), 'utf8')) as { version: string };
  for (const file of readdirSync(path.join(target, 'dist'))) {
    if (!/^version\.(c|m)?js$/.test(file)) continue;
    const p = path.join(target, 'dist', file);
    writeFileSync(p, readFileSync(p, 'utf8').replace(`"${version.version}"`, '"1.9.1"'));
  }
  const pkg = path.join(target, 'package.json');
  writeFileSync(pkg, readFileSync(pkg, 'utf8').replace(`"version": "${version.version}"`, '"version": "1.9.1"'));
  return target;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'podkit-otel-api-'));
  nested = installOldCopy(tmp);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('logs one warning naming both copies, their versions and paths, and the fix', async () => {
  const out: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') out.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: { name: 'orders', version: '1.0.0' }, destination, env: {} });
  const telemetry = await startTelemetry({ name: 'orders', version: '1.0.0', logger }, { env: {}, apiFrom: path.join(tmp, 'sdk-v2', 'index.js') });

  // the symptom users report: the SDK is registered, yet podkit sees no span and logs no trace id
  await withSpan('invisible', () => expect(getTraceIds()).toBeUndefined());

  const warnings = out.filter((l) => l.level === 'warn');
  expect(warnings).toHaveLength(1);
  const [warning] = warnings as [{ msg: string; otelApi: unknown }];
  expect(warning.otelApi).toEqual({
    registered: { version: '1.9.1', path: nested },
    podkit: { version: '1.10.0', path: ROOT_API },
    // the SDK's tracer reads the root copy too: it would lose every span's parent
    sdk: { version: '1.10.0', path: ROOT_API },
  });
  expect(warning.msg).toContain(`registered through @opentelemetry/api 1.9.1 at ${nested}`);
  expect(warning.msg).toContain(`podkit and the SDK (@opentelemetry/sdk-trace) use @opentelemetry/api 1.10.0 at ${ROOT_API}`);
  expect(warning.msg).toContain('npm ls @opentelemetry/api');
  await telemetry.shutdown();
});
