import type { ConfigIssue, ConfigIssueKind } from './errors.ts';
import { dashedKey } from './names.ts';
import { maskValue, scrub } from './redact.ts';
import { redactUrlCredentials, urlCredentials } from './url-credentials.ts';
import type { ConfigField } from './schema/fields.ts';
import type { ConfigSourceKind } from './sources/types.ts';

/** Builds one {@link ConfigIssue} with its message. @internal */
export function makeIssue(
  key: string,
  kind: ConfigIssueKind,
  raw: { source: ConfigSourceKind; location: string; value?: string | undefined } | undefined,
  expected: string,
  isSecret: boolean,
): ConfigIssue {
  const received = maskValue(raw?.value, isSecret);
  // a refinement's message may echo the input: never let it carry a secret or a URL's password
  const echoed = raw?.value === undefined ? [] : isSecret ? [raw.value, ...urlCredentials(raw.value)] : urlCredentials(raw.value);
  const expectedText = redactUrlCredentials(scrub(expected, echoed));
  const where = raw === undefined ? '' : ` (${raw.source} ${raw.location})`;
  const message =
    kind === 'invalid' && raw !== undefined
      ? `${key}: ${expectedText}, received ${received}${where}`
      : `${key}: ${expectedText}${where}`;
  return Object.freeze({
    key,
    kind,
    source: raw?.source,
    location: raw?.location,
    expected: expectedText,
    received,
    message,
  });
}

/** The issue for a required key that no source set, with where it could be set. @internal */
export function missingIssue(field: ConfigField): ConfigIssue {
  const env = field.secret ? `env ${field.envVar} or ${field.envVar}_FILE` : `env ${field.envVar}`;
  const where = field.secret ? `Secret key ${dashedKey(field.path)}` : `ConfigMap key ${field.configMapKey}`;
  return makeIssue(field.key, 'missing', undefined, `required but not set (set ${env}, or ${where})`, field.secret);
}

/** Turns a zod message into an "expected ..." phrase. @internal */
export function expectedFromZod(message: string): string {
  return message
    .replace(/^Invalid (input|option|value|string|number|type|format): /i, '')
    .replace(/, received \w+$/, '')
    .replace(/^Too (small|big): /, '');
}
