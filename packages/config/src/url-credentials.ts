import { REDACTED } from './marker.ts';

/**
 * A URL-shaped run of text: `scheme://` and everything up to whitespace, a quote or an angle
 * bracket. A comma-separated list of URLs is one run; each `scheme://` in it is handled.
 */
const URL_RUN = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*/gi;
/**
 * `scheme://userinfo@` inside a run. The authority ends at `/`, `?` or `#`; the greedy match
 * backtracks to its *last* `@`, which is where URL parsers (WHATWG, libpq) end the userinfo, so
 * a password with an unencoded `@` (`u:p@ss@host`) is covered whole.
 */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/gi;
/** A query parameter inside a run: `?password=...`, `&sslpassword=...`. */
const QUERY_PARAM = /([?&;])([^=&#?;/\s]+)=([^&#;\s]*)/g;
/**
 * Query parameter names whose value is a credential: libpq's `password`/`sslpassword`, `pwd`,
 * `secret`, tokens (`access_token`, `X-Amz-Security-Token`), API keys, signatures (`sig`,
 * `X-Amz-Signature`) and `X-Amz-Credential`.
 */
const SECRET_PARAM = /pass(?:wor)?d|^pwd$|secret|token|api[-_]?key|^sig$|signature|credential/i;

/**
 * Replaces the credentials in every URL found in `text` with `[redacted]`: the password of the
 * userinfo (`postgres://blog:[redacted]@db/blog`, also `redis://:[redacted]@cache`,
 * `amqp://`, `mongodb+srv://` and multi-host `mongodb://u:p@h1,h2`) and the values of
 * credential query parameters (`?password=`, `sslpassword=`, `token=`, `sig=`, ...). A user
 * name alone is kept (`postgres://blog@db/blog`): it names who connects, it is not a secret.
 * Text without `://` is returned as it is.
 *
 * podkit applies this to every config value it prints (provenance, `describeConfig`,
 * `JSON.stringify`/`util.inspect` of a config, `redactConfig`, error messages), whether or not
 * the key is secret.
 *
 * @example
 * ```ts
 * redactUrlCredentials('postgres://blog:hunter22@db:5432/blog?sslpassword=x');
 * // 'postgres://blog:[redacted]@db:5432/blog?sslpassword=[redacted]'
 * ```
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_RUN, (run) =>
    run
      .replace(USERINFO, (whole, scheme: string, userinfo: string) => {
        const colon = userinfo.indexOf(':');
        if (colon < 0 || colon === userinfo.length - 1) return whole;
        return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
      })
      .replace(QUERY_PARAM, (whole, sep: string, name: string, value: string) =>
        value !== '' && SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole,
      ),
  );
}

/**
 * The credential parts of every URL in `text` (userinfo passwords and credential query
 * parameter values), each as written and percent-decoded, for value-based log redaction.
 * @internal
 */
export function urlCredentials(text: string): string[] {
  if (!text.includes('://')) return [];
  const found = new Set<string>();
  const add = (raw: string): void => {
    if (raw === '' || raw === REDACTED) return;
    found.add(raw);
    const decoded = safeDecode(raw);
    if (decoded !== '') found.add(decoded);
  };
  for (const [run] of text.matchAll(URL_RUN)) {
    for (const [, , userinfo] of run.matchAll(USERINFO)) {
      const colon = userinfo!.indexOf(':');
      if (colon >= 0) add(userinfo!.slice(colon + 1));
    }
    for (const [, , name, value] of run.matchAll(QUERY_PARAM)) {
      if (SECRET_PARAM.test(safeDecode(name!))) add(value!);
    }
  }
  return [...found];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
