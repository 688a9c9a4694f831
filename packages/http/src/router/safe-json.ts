import { ProblemError } from '../server/errors.ts';
import { problem } from '../server/problem.ts';

/** Default maximum nesting depth of objects/arrays in a JSON body. */
export const DEFAULT_MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Parses untrusted JSON text safely: rejects malformed JSON, nesting deeper than `maxDepth`
 * (checked on the raw text before parsing, so a deeply nested body cannot exhaust the stack
 * later), and objects carrying a `__proto__` key or a `constructor.prototype` path (prototype
 * pollution when the value is merged into another object later).
 *
 * Every rejection is a {@link ProblemError} with status 400 and a clear `detail`.
 *
 * @param text - the body, decoded as UTF-8
 * @param maxDepth - the deepest allowed nesting of objects and arrays
 * @default maxDepth 32
 */
export function parseJsonSafely(text: string, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): unknown {
  checkDepth(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProblemError(problem(400, `malformed JSON body: ${(err as Error).message}`));
  }
  // JSON.parse defines `__proto__` as an own property (no pollution yet), but the value is
  // dangerous once merged. Only walk when the text could spell a forbidden key (`proto`, or an
  // escape that could hide it).
  if (value !== null && typeof value === 'object' && mightContainForbiddenKey(text)) {
    checkForbiddenKeys(value);
  }
  return value;
}

/**
 * Whether `text` holds at most `max` opening brackets (`{` or `[`, inside strings too): then no
 * nesting can be deeper than `max`. Native `indexOf` scans, stopping at the first one over `max`:
 * the cheap proof that spares most bodies the character-by-character scan.
 */
function fewOpenings(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  return true;
}

function checkDepth(text: string, maxDepth: number): void {
  if (text.length <= maxDepth || fewOpenings(text, maxDepth)) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new ProblemError(problem(400, `JSON body nests deeper than the limit of ${maxDepth} levels`));
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/**
 * Whether `text` could spell a forbidden key: `__proto__` and `prototype` (the child that makes a
 * `constructor` key dangerous; `constructor` alone is allowed) both contain `proto`, unless
 * written with `\u` escapes. Two native scans; a text with neither is spared the walk.
 */
function mightContainForbiddenKey(text: string): boolean {
  return text.includes('proto') || text.includes('\\u');
}

function checkForbiddenKeys(root: object): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === '__proto__') {
        throw new ProblemError(problem(400, 'JSON body contains a forbidden "__proto__" key'));
      }
      if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
        throw new ProblemError(problem(400, 'JSON body contains a forbidden "constructor.prototype" key'));
      }
      stack.push(child);
    }
  }
}
