import { isApiError } from './errors.ts';

/** What to tell a person about a failure, in plain words. */
export interface ErrorDescription {
  /** A short heading, e.g. "Service unavailable". */
  title: string;
  /** One or two sentences saying what happened and what to do. */
  message: string;
  /** Messages per form field, from a 400/422 problem's `errors`. */
  fieldErrors: Record<string, string>;
  /** True when trying again later may succeed (outages, timeouts, network errors). */
  retryable: boolean;
}

/** Context that makes messages specific. */
export interface DescribeContext {
  /** What was being loaded or changed, e.g. "posts" or "this comment"; used in messages. */
  what?: string;
  /** Messages that replace the default for a given HTTP status (e.g. 401 on the login form). */
  byStatus?: Partial<Record<number, string>>;
}

/**
 * Maps any thrown value (usually an ApiError) to a message a person can act on. Details
 * from 4xx problems are shown (they describe the person's input); details of 5xx problems
 * are not (they describe our internals).
 */
export function describeError(error: unknown, context: DescribeContext = {}): ErrorDescription {
  const what = context.what ?? 'this';
  if (!isApiError(error)) {
    return {
      title: 'Something went wrong',
      message: 'An unexpected error happened in this page. Reload the page and try again.',
      fieldErrors: {},
      retryable: true,
    };
  }
  if (error.kind === 'network') {
    return {
      title: 'Connection problem',
      message: 'We could not reach the server. Check your connection, then try again.',
      fieldErrors: {},
      retryable: true,
    };
  }
  if (error.kind === 'timeout') {
    return {
      title: 'The server is slow to answer',
      message: `The server took too long to answer about ${what}. It may be busy; please try again in a moment.`,
      fieldErrors: {},
      retryable: true,
    };
  }
  if (error.kind === 'invalid-response') {
    return {
      title: 'Unexpected answer',
      message: 'The server sent an answer we could not read. Try again in a moment.',
      fieldErrors: {},
      retryable: true,
    };
  }

  const status = error.status ?? 0;
  const problem = error.problem;
  const detail = status < 500 ? clean(problem?.detail) : undefined;
  const fieldErrors = fieldErrorsOf(problem?.errors);
  const override = context.byStatus?.[status];
  const withDetail = (base: string): string => (detail && detail !== base ? `${base} ${sentence(detail)}` : base);

  if (override !== undefined) {
    return { title: titleFor(status), message: override, fieldErrors, retryable: status >= 500 || status === 429 };
  }
  switch (status) {
    case 400:
    case 422:
      return {
        title: 'Please check the form',
        message:
          Object.keys(fieldErrors).length > 0
            ? `Some of what you entered was not accepted: ${Object.entries(fieldErrors)
                .map(([field, text]) => `${field}: ${text}`)
                .join(' ')}`
            : withDetail('Some of what you entered was not accepted.'),
        fieldErrors,
        retryable: false,
      };
    case 401:
      return { title: 'Please log in', message: 'You need to log in to do that.', fieldErrors, retryable: false };
    case 403:
      return {
        title: 'Not allowed',
        message: 'You can only change things you created yourself.',
        fieldErrors,
        retryable: false,
      };
    case 404:
      return {
        title: 'Not found',
        message: `We could not find ${what}. It may have been deleted.`,
        fieldErrors,
        retryable: false,
      };
    case 409:
      return { title: 'Already exists', message: withDetail('That conflicts with something that already exists.'), fieldErrors, retryable: false };
    case 413:
      return { title: 'File too large', message: withDetail('That file is too large to upload.'), fieldErrors, retryable: false };
    case 415:
      return {
        title: 'Unsupported file type',
        message: 'That file type is not supported. Choose a JPEG, PNG or WebP image.',
        fieldErrors,
        retryable: false,
      };
    case 429: {
      const wait = error.retryAfterSeconds;
      const when = wait !== undefined && wait > 0 ? `in ${wait} second${wait === 1 ? '' : 's'}` : 'in a moment';
      return { title: 'Too many attempts', message: `Please wait and try again ${when}.`, fieldErrors, retryable: true };
    }
    case 502:
    case 503:
    case 504:
      return {
        title: 'Service unavailable',
        message: `We can't reach ${what} right now: the service is unavailable. Please try again in a moment.`,
        fieldErrors: {},
        retryable: true,
      };
    default:
      if (status >= 500) {
        return {
          title: 'Something went wrong on our side',
          message: 'The server could not complete the request. Try again in a moment.',
          fieldErrors: {},
          retryable: true,
        };
      }
      return {
        title: clean(problem?.title) ?? 'Request not accepted',
        message: withDetail('The server did not accept the request.'),
        fieldErrors,
        retryable: false,
      };
  }
}

function titleFor(status: number): string {
  if (status === 401) return 'Could not log in';
  if (status === 409) return 'Already exists';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Service unavailable';
  return 'Please check the form';
}

function clean(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function sentence(text: string): string {
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/**
 * Reads per-field messages from a problem's `errors`, which servers shape in several ways:
 * `[{ path | pointer | field | name, message | detail }]` (path may be an array or a JSON
 * pointer such as `/title`) or `{ field: message | message[] }`.
 */
export function fieldErrorsOf(errors: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: unknown, message: unknown): void => {
    const key = fieldName(field);
    const text = Array.isArray(message) ? message.filter((m) => typeof m === 'string').join(' ') : message;
    if (key && typeof text === 'string' && text && !(key in out)) out[key] = sentence(text);
  };
  if (Array.isArray(errors)) {
    for (const entry of errors) {
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as Record<string, unknown>;
      add(e['path'] ?? e['pointer'] ?? e['field'] ?? e['name'], e['message'] ?? e['detail']);
    }
  } else if (typeof errors === 'object' && errors !== null) {
    for (const [key, message] of Object.entries(errors)) add(key, message);
  }
  return out;
}

function fieldName(field: unknown): string | undefined {
  if (Array.isArray(field)) return field.length > 0 ? field.map(String).join('.') : undefined;
  if (typeof field !== 'string' || field === '') return undefined;
  const name = field.replace(/^#?\/?(body\/)?/, '').replace(/\//g, '.');
  return name === '' ? undefined : name;
}
