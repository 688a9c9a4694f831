import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { ConfigField } from '../schema/fields.ts';
import { describeFsError, readEnv } from './env.ts';
import type { SourceResult } from './types.ts';

/**
 * Reads fields from a `.env` file, parsed by Node's own `util.parseEnv`. A missing file is not an
 * error (`.env` is for local development); an unreadable one is reported as a warning.
 * @internal
 */
export function readDotenv(fields: readonly ConfigField[], path: string): SourceResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const warnings = code === 'ENOENT' ? [] : [`.env file ${path} ignored: ${describeFsError(error)}`];
    return { values: new Map(), problems: [], warnings };
  }
  return readEnv(fields, { vars: parseEnv(text), kind: 'dotenv', label: path });
}
