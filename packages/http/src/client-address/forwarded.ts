// RFC 7239 `Forwarded`: elements separated by commas, pairs by semicolons, values a token or a
// quoted string. Only the `for` parameter matters here.

/** RFC 9110 `token`. */
const TOKEN = /^[\w!#$%&'*+.^`|~-]+$/;

function skipSpace(s: string, i: number): number {
  while (s[i] === ' ' || s[i] === '\t') i++;
  return i;
}

/** A quoted string starting at `s[i]` (the opening quote): its text and the index after it. */
function quoted(s: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '"') return { value, end: j + 1 };
    if (c === '\\') {
      if (++j === s.length) return undefined;
      value += s[j];
    } else value += c;
  }
  return undefined; // unterminated
}

/**
 * The `for` value of one forwarded-element (`for=192.0.2.60;proto=http;by=203.0.113.43`),
 * unquoted: `192.0.2.60`, `[2001:db8:cafe::17]:4711`, `unknown`. `undefined` when the element
 * has no `for`, names it twice, or is not a well-formed list of `name=value` pairs (whitespace
 * around `;` is tolerated, as many proxies write it).
 */
export function forwardedFor(element: string): string | undefined {
  let found: string | undefined;
  let i = skipSpace(element, 0);
  while (i < element.length) {
    if (element[i] === ';') {
      i = skipSpace(element, i + 1);
      continue;
    }
    const eq = element.indexOf('=', i);
    if (eq < 0) return undefined;
    const name = element.slice(i, eq);
    if (!TOKEN.test(name)) return undefined;
    let value: string;
    if (element[eq + 1] === '"') {
      const q = quoted(element, eq + 1);
      if (q === undefined) return undefined;
      value = q.value;
      i = q.end;
    } else {
      let end = eq + 1;
      while (end < element.length && element[end] !== ';' && element[end] !== ' ' && element[end] !== '\t') end++;
      value = element.slice(eq + 1, end);
      if (!TOKEN.test(value)) return undefined;
      i = end;
    }
    i = skipSpace(element, i);
    if (i < element.length && element[i] !== ';') return undefined;
    if (name.toLowerCase() === 'for') {
      if (found !== undefined) return undefined;
      found = value;
    }
  }
  return found;
}
