import { expect, test } from 'vitest';
import { z } from 'zod';
import { ConfigValidationError, defineConfig, duration, json, list } from '@podkit/config';
import { isolated } from './helpers/tmp.ts';

function load<S extends z.ZodObject>(schema: S, env: Record<string, string>) {
  return defineConfig(schema).safeLoad({ ...isolated, env });
}
const one = <T extends z.ZodType>(type: T) => z.object({ value: type });

test.each([
  ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['on', true], ['On', true],
  ['false', false], ['False', false], ['0', false], ['no', false], ['off', false], [' false ', false],
])('boolean %j → %j', (raw, expected) => {
  const result = load(one(z.boolean()), { VALUE: raw });
  expect(result.ok && result.config.value).toBe(expected);
});

test.each(['fals', '', ' ', 'truee', '2', 'y', 'enabled'])('boolean %j is rejected (z.coerce.boolean would say true)', (raw) => {
  const result = load(one(z.boolean()), { VALUE: raw });
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error).toBeInstanceOf(ConfigValidationError);
    expect(result.error.message).toContain(`value: expected a boolean (true/false, 1/0, yes/no, on/off), received ${JSON.stringify(raw)} (env VALUE)`);
  }
});

test('z.coerce.boolean is made strict too', () => {
  const result = load(one(z.coerce.boolean()), { VALUE: 'false' });
  expect(result.ok && result.config.value).toBe(false);
});

test.each([['8080', 8080], ['-1.5', -1.5], ['1e3', 1000], [' 42 ', 42], ['.5', 0.5]])('number %j → %j', (raw, expected) => {
  const result = load(one(z.number()), { VALUE: raw });
  expect(result.ok && result.config.value).toBe(expected);
});

test.each(['', ' ', 'fals', '12abc', '0x10', 'NaN', 'Infinity', '1,000'])('number %j is rejected', (raw) => {
  const result = load(one(z.number()), { VALUE: raw });
  expect(!result.ok && result.error.issues[0]).toMatchObject({ key: 'value', expected: 'expected a number', source: 'env', location: 'VALUE' });
});

test('integers reject fractions; schema checks still apply after coercion', () => {
  const r1 = load(one(z.number().int()), { VALUE: '1.5' });
  expect(!r1.ok && r1.error.issues[0]?.expected).toBe('expected an integer');
  const r2 = load(one(z.number().int().max(65535)), { VALUE: '70000' });
  expect(!r2.ok && r2.error.message).toMatch(/value: .*65535.*received "70000" \(env VALUE\)/);
  const r3 = load(one(z.bigint()), { VALUE: '9007199254740993' });
  expect(r3.ok && r3.config.value).toBe(9007199254740993n);
});

test.each([
  ['300ms', 300], ['5s', 5000], ['2m', 120_000], ['1h', 3_600_000], ['1d', 86_400_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['250', 250],
])('duration %j → %j ms', (raw, ms) => {
  const result = load(one(duration()), { VALUE: raw });
  expect(result.ok && result.config.value).toBe(ms);
});

test('duration: bare numbers in the declared unit, bounds, garbage rejected', () => {
  const seconds = load(one(duration({ unit: 's' })), { VALUE: '300' });
  expect(seconds.ok && seconds.config.value).toBe(300_000);
  for (const raw of ['', '5 seconds', '-5s', 's', '5x', '5s5']) {
    const result = load(one(duration()), { VALUE: raw });
    expect(!result.ok && result.error.issues[0]?.expected, raw).toBe('expected a duration such as 300ms, 5s, 2m or 1h');
  }
  const bounded = load(one(duration({ min: '1s', max: '1m' })), { VALUE: '2m' });
  expect(!bounded.ok && bounded.error.issues[0]?.expected).toBe('expected a duration of at most 1m');
  expect(defineConfig(one(duration().default(5000))).load(isolated).value).toBe(5000);
});

test('comma lists: trimmed, empty items dropped, items coerced; JSON arrays accepted', () => {
  const strings = load(one(list(z.string())), { VALUE: ' a, b ,,c ' });
  expect(strings.ok && strings.config.value).toEqual(['a', 'b', 'c']);
  const numbers = load(one(z.array(z.number())), { VALUE: '1,2,3' });
  expect(numbers.ok && numbers.config.value).toEqual([1, 2, 3]);
  const json = load(one(z.array(z.number())), { VALUE: '[1, 2]' });
  expect(json.ok && json.config.value).toEqual([1, 2]);
  const piped = load(one(list(z.string(), { separator: '|' })), { VALUE: 'a,b|c' });
  expect(piped.ok && piped.config.value).toEqual(['a,b', 'c']);
  const bad = load(one(z.array(z.number())), { VALUE: '1,two' });
  expect(!bad.ok && bad.error.issues[0]?.expected).toBe('expected a list of number (item 2: a number)');
  const empty = load(one(list(z.string())), { VALUE: '' });
  expect(empty.ok && empty.config.value).toEqual([]);
});

test('JSON objects: json() fields and records parse JSON; invalid JSON is named', () => {
  const schema = z.object({ features: json(z.object({ beta: z.boolean() })), limits: z.record(z.string(), z.number()) });
  const ok = load(schema, { FEATURES: '{"beta":true}', LIMITS: '{"a":1}' });
  expect(ok.ok && ok.config).toEqual({ features: { beta: true }, limits: { a: 1 } });
  const bad = load(schema, { FEATURES: '{beta:true}', LIMITS: '{"a":"x"}' });
  expect(!bad.ok && bad.error.issues.map((i) => [i.key, i.expected])).toEqual([
    ['features', 'expected valid JSON'],
    ['limits', 'expected number'],
  ]);
});

test('strings pass through as-is (an empty string is a value); enums and literals are checked by the schema', () => {
  const schema = z.object({ name: z.string(), level: z.enum(['info', 'debug']), version: z.literal(2) });
  const ok = load(schema, { NAME: '', LEVEL: 'debug', VERSION: '2' });
  expect(ok.ok && ok.config).toEqual({ name: '', level: 'debug', version: 2 });
  const bad = load(schema, { NAME: 'x', LEVEL: 'verbose', VERSION: '3' });
  expect(!bad.ok && bad.error.issues.map((i) => i.message)).toEqual([
    'level: expected one of "info"|"debug", received "verbose" (env LEVEL)',
    'version: expected 2, received "3" (env VERSION)',
  ]);
});
