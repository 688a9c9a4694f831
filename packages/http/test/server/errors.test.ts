import { describe, expect, it } from 'vitest';
import {
  HttpOptionsError,
  ListenError,
  PodkitHttpError,
  ProblemError,
  isHttpOptionsError,
  isPodkitHttpError,
  isProblemError,
  problem,
} from '../../src/index.ts';

describe('server errors', () => {
  it('share the PodkitHttpError base with stable codes and guards', () => {
    const cases: Array<[PodkitHttpError, string, string]> = [
      [new ProblemError(problem(404, 'no post 1')), 'ERR_PODKIT_HTTP_PROBLEM', 'ProblemError'],
      [new HttpOptionsError('port', 'expected an integer port'), 'ERR_PODKIT_HTTP_OPTIONS', 'HttpOptionsError'],
      [new ListenError('*:80', new Error('EACCES')), 'ERR_PODKIT_HTTP_LISTEN', 'ListenError'],
    ];
    for (const [err, code, name] of cases) {
      expect(err).toBeInstanceOf(PodkitHttpError);
      expect(isPodkitHttpError(err)).toBe(true);
      expect(err.code).toBe(code);
      expect(err.name).toBe(name);
    }
    expect(isProblemError(cases[0]![0])).toBe(true);
    expect(isHttpOptionsError(cases[1]![0])).toBe(true);
    expect(isPodkitHttpError(new Error('x'))).toBe(false);
  });

  it('ProblemError messages summarise the problem; problem() uses the reason phrase', () => {
    const err = new ProblemError(problem(413, 'request body exceeds the limit of 10 bytes'));
    expect(err.message).toBe('413 Payload Too Large: request body exceeds the limit of 10 bytes');
    expect(problem(405)).toEqual({ type: 'about:blank', title: 'Method Not Allowed', status: 405 });
  });
});
