import type { ConfigField, ValueKind } from './schema/fields.ts';

/** The result of coercing one source string. @internal */
export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Turns a source string into the value the schema expects, strictly:
 * - numbers must look like numbers (`"8080"`, `"0.5"`, `"1e3"`); empty strings are rejected;
 * - booleans accept `true/1/yes/on` and `false/0/no/off` (any case) and nothing else — unlike
 *   `z.coerce.boolean()`, which turns `"false"` into `true`;
 * - lists split on the separator (items trimmed, empty items dropped), or parse a JSON array;
 * - JSON fields parse with `JSON.parse`;
 * - strings, enums and durations pass through (the schema validates them).
 * @internal
 */
export function coerce(field: ConfigField, raw: string): Coerced {
  if (field.kind === 'list') return coerceList(field, raw);
  return coerceScalar(field.kind, raw, field.literals);
}

function coerceScalar(kind: ValueKind | undefined, raw: string, literals: readonly unknown[]): Coerced {
  const text = raw.trim();
  switch (kind) {
    case 'number':
      return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false, expected: 'a number' };
    case 'integer':
      return INTEGER.test(text) ? { ok: true, value: Number(text) } : { ok: false, expected: 'an integer' };
    case 'bigint':
      return INTEGER.test(text) ? { ok: true, value: BigInt(text) } : { ok: false, expected: 'an integer' };
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, expected: 'a boolean (true/false, 1/0, yes/no, on/off)' };
    }
    case 'date': {
      const date = new Date(text);
      return text !== '' && !Number.isNaN(date.getTime()) ? { ok: true, value: date } : { ok: false, expected: 'a date' };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { ok: false, expected: 'valid JSON' };
      }
    case 'literal': {
      const match = literals.find((l) => String(l) === text);
      return { ok: true, value: match ?? raw };
    }
    default:
      return { ok: true, value: raw };
  }
}

function coerceList(field: ConfigField, raw: string): Coerced {
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return { ok: true, value: parsed };
    } catch {
      return { ok: false, expected: 'a JSON array or a comma-separated list' };
    }
  }
  const items = text.split(field.separator).map((item) => item.trim()).filter((item) => item !== '');
  const values: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const result = coerceScalar(field.itemKind, item, []);
    if (!result.ok) return { ok: false, expected: `a list of ${field.itemKind ?? 'values'} (item ${index + 1}: ${result.expected})` };
    values.push(result.value);
  }
  return { ok: true, value: values };
}
