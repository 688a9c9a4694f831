/**
 * Runs one service by name, configured only by its environment (what its container runs):
 * `npm run service --workspace examples/blog-platform -- posts`.
 */
import { SERVICE_NAMES, entryOf, isAvailable, type ServiceName } from './platform/services.ts';
import { pathToFileURL } from 'node:url';

const name = process.argv[2] as ServiceName | undefined;
if (name === undefined || !SERVICE_NAMES.includes(name) || !isAvailable(name)) {
  process.stderr.write(`usage: npm run service --workspace examples/blog-platform -- <${SERVICE_NAMES.join('|')}>\n`);
  process.exitCode = 64;
} else {
  await import(pathToFileURL(entryOf(name)).href);
}
