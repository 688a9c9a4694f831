import path from 'node:path';

/** The example's root directory (`examples/blog-platform`), from `src/shared` or `dist/shared` alike. */
export const exampleRoot: string = path.resolve(import.meta.dirname, '../..');
