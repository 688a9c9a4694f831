import { problem, ProblemError } from '@podkit/http';

/**
 * Problem responses the services answer with. Each returns a {@link ProblemError} to `throw`
 * from a router handler, which podkit's router turns into `application/problem+json`.
 */
export const problems = {
  badRequest: (detail: string): ProblemError => new ProblemError(problem(400, detail)),
  unauthorized: (detail = 'a valid bearer token is required'): ProblemError =>
    new ProblemError(problem(401, detail), { 'www-authenticate': 'Bearer' }),
  forbidden: (detail: string): ProblemError => new ProblemError(problem(403, detail)),
  notFound: (detail: string): ProblemError => new ProblemError(problem(404, detail)),
  conflict: (detail: string): ProblemError => new ProblemError(problem(409, detail)),
  unprocessable: (detail: string): ProblemError => new ProblemError(problem(422, detail)),
  tooManyRequests: (detail: string, retryAfterSeconds: number): ProblemError =>
    new ProblemError(problem(429, detail), { 'retry-after': String(retryAfterSeconds) }),
  unavailable: (detail: string, retryAfterSeconds = 1): ProblemError =>
    new ProblemError(problem(503, detail), { 'retry-after': String(retryAfterSeconds) }),
};
