import * as z from 'zod';
import type { ZodType } from 'zod';

/** `z.compile` (zod ≥ 4.5); absent from older zod 4 releases, which the peer range still admits. */
type Compile = <T extends ZodType>(schema: T) => T;

/**
 * `schema` with zod's compiled fast path installed (`z.compile`, zod ≥ 4.5): a generated,
 * loop-free check of valid input, with the same output, issues and messages as the runtime
 * parser (invalid input is handed to it, so a problem response names the same fields). Measured
 * on the benchmark's post schema (`bench/router-post.bench.ts`): ~2.4 k instructions per
 * `safeParse` against ~12 k.
 *
 * Returns `schema` itself when zod has no `compile`, when zod is configured `jitless` (no
 * `new Function`; checked when the route is registered), or when zod cannot compile it (it
 * keeps the runtime parser then).
 * @internal
 */
export function compiledSchema<T extends ZodType>(schema: T): T {
  const compile = (z as { compile?: Compile }).compile;
  if (typeof compile !== 'function' || z.config().jitless === true) return schema;
  return compile(schema);
}
