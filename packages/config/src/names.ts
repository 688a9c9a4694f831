/**
 * Key-name mapping: how a schema path such as `['database', 'host']` or `['apiKey']` is spelled
 * as an environment variable, a ConfigMap key and a Secret file name.
 * @internal
 */

/** Splits one path segment into lower-case words: `requestTimeout` → `['request', 'timeout']`. */
export function words(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s._-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** `['database', 'host']` → `DATABASE_HOST` (plus the prefix). */
export function envVarName(path: readonly string[], prefix = ''): string {
  return prefix + path.flatMap(words).join('_').toUpperCase();
}

/** `['http', 'requestTimeout']` → `http.request-timeout`; `['apiKey']` → `api-key`. */
export function configMapKey(path: readonly string[]): string {
  return path.map((segment) => words(segment).join('-')).join('.');
}

/** `['database', 'password']` → `database-password` (the usual Secret key spelling). */
export function dashedKey(path: readonly string[]): string {
  return path.flatMap(words).join('-');
}

/** The key as the code sees it: `database.host`, `apiKey`. */
export function schemaKey(path: readonly string[]): string {
  return path.join('.');
}

/** Every file name under which a mounted directory may provide this path, preferred first. */
export function fileNames(path: readonly string[]): string[] {
  return unique([configMapKey(path), schemaKey(path), dashedKey(path)]);
}

/** Every environment variable name that provides this path, preferred first. */
export function envNames(path: readonly string[], prefix = ''): string[] {
  return unique([envVarName(path, prefix), prefix + configMapKey(path), prefix + schemaKey(path)]);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
