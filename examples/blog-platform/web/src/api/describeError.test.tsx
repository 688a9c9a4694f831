import { describe, expect, it } from 'vitest';
import { describeError, fieldErrorsOf } from './describeError.ts';
import { ApiError } from './errors.ts';

const problem = (status: number, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError('problem', `answered ${status}`, { problem: { status, title: 'x', ...extra } });

describe('describeError', () => {
  it('says the service is unavailable for the breaker 503, without leaking its detail', () => {
    const d = describeError(problem(503, { detail: 'breaker open for upstream posts at 10.0.0.3' }), { what: 'posts' });
    expect(d.title).toBe('Service unavailable');
    expect(d.message).toContain('posts');
    expect(d.message).not.toContain('10.0.0.3');
    expect(d.retryable).toBe(true);
  });

  it('explains network errors and timeouts in plain words', () => {
    expect(describeError(new ApiError('network', 'x')).title).toBe('Connection problem');
    const timeout = describeError(new ApiError('timeout', 'x'), { what: 'the comments' });
    expect(timeout.message).toContain('took too long to answer about the comments');
    expect(timeout.retryable).toBe(true);
  });

  it('lists the field errors of a 400 (as @podkit/http sends them), else shows the detail', () => {
    const d = describeError(
      problem(400, {
        detail: 'invalid request body',
        errors: [{ in: 'body', path: 'title', message: 'too small: expected string to have >=1 characters' }],
      }),
    );
    expect(d.message).toBe(
      'Some of what you entered was not accepted: title: Too small: expected string to have >=1 characters.',
    );
    expect(d.fieldErrors).toEqual({ title: 'Too small: expected string to have >=1 characters.' });
    expect(d.retryable).toBe(false);
    expect(describeError(problem(422, { detail: 'title must not be empty' })).message).toBe(
      'Some of what you entered was not accepted. Title must not be empty.',
    );
  });

  it('lets the caller override the message for a status (wrong password on login)', () => {
    const d = describeError(problem(401), { byStatus: { 401: 'Wrong username or password.' } });
    expect(d).toMatchObject({ title: 'Could not log in', message: 'Wrong username or password.' });
  });

  it('maps the other statuses a person can meet', () => {
    expect(describeError(problem(403)).title).toBe('Not allowed');
    expect(describeError(problem(404), { what: 'this post' }).message).toBe(
      'We could not find this post. It may have been deleted.',
    );
    expect(describeError(problem(413)).title).toBe('File too large');
    expect(describeError(problem(415)).message).toContain('JPEG, PNG or WebP');
    expect(describeError(problem(500, { detail: 'TypeError at x.js:1' })).message).not.toContain('TypeError');
  });

  it('uses Retry-After on 429', () => {
    const err = new ApiError('problem', 'x', { problem: { status: 429 }, retryAfterSeconds: 30 });
    expect(describeError(err).message).toBe('Please wait and try again in 30 seconds.');
  });

  it('describes errors that are not API errors (a bug in the page) without details', () => {
    const d = describeError(new TypeError('cannot read properties of undefined'));
    expect(d.title).toBe('Something went wrong');
    expect(d.message).not.toContain('undefined');
  });
});

describe('fieldErrorsOf', () => {
  it('reads the shapes servers use for validation errors', () => {
    expect(fieldErrorsOf([{ pointer: '/body', detail: 'too long' }])).toEqual({ body: 'Too long.' });
    expect(fieldErrorsOf([{ field: 'username', message: 'taken' }])).toEqual({ username: 'Taken.' });
    expect(fieldErrorsOf({ password: ['too short', 'too common'] })).toEqual({ password: 'Too short too common.' });
    expect(fieldErrorsOf([{ path: [], message: 'whole body wrong' }, 'junk', null])).toEqual({});
    expect(fieldErrorsOf('not a list')).toEqual({});
  });

  it('keeps the first message per field', () => {
    expect(fieldErrorsOf([
      { path: ['title'], message: 'required' },
      { path: ['title'], message: 'too short' },
    ])).toEqual({ title: 'Required.' });
  });
});
