import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DoctorConfigModuleError } from './errors.ts';
import { isDefinitionLike, type DefinitionLike } from './model/definition.ts';

function isZodObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_zod' in value && 'shape' in value;
}

/**
 * Imports a service's config module and returns its definition: the export `exportName`, or the
 * one export that is a `defineConfig(...)` definition or a `z.object(...)` schema (compiled with
 * the `@podkit/config` the module itself resolves, so names match the service exactly).
 * TypeScript modules load with Node's type stripping (Node 22.18+, 23.6+).
 *
 * @param module - path of the module, relative to `cwd`
 * @param exportName - the export to use @default the only definition or schema export
 * @param cwd - base of a relative `module` @default process.cwd()
 * @throws DoctorConfigModuleError when the module does not load or has no (or several) candidates
 * @example
 * ```ts
 * const definition = await loadDefinitionModule('src/config.ts', 'configSchema');
 * ```
 */
export async function loadDefinitionModule(module: string, exportName?: string, cwd: string = process.cwd()): Promise<DefinitionLike> {
  const file = resolve(cwd, module);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new DoctorConfigModuleError(module, `does not load: ${(error as Error).message}`, { cause: error });
  }
  const names = exportName === undefined ? Object.keys(exports).filter((k) => isDefinitionLike(exports[k]) || isZodObject(exports[k])) : [exportName];
  if (names.length !== 1) {
    const reason = names.length === 0 ? 'exports no config definition (defineConfig(...)) or z.object(...) schema' : `exports several candidates (${names.join(', ')}): name one as ${module}#${names[0]!}`;
    throw new DoctorConfigModuleError(module, reason);
  }
  const value = exports[names[0]!];
  if (isDefinitionLike(value)) return value;
  if (!isZodObject(value)) throw new DoctorConfigModuleError(module, `the export ${names[0]!} is neither a config definition nor a z.object(...) schema`);
  let config: { defineConfig?: (schema: unknown) => unknown };
  try {
    const resolved = createRequire(file).resolve('@podkit/config');
    config = (await import(pathToFileURL(resolved).href)) as typeof config;
  } catch (error) {
    throw new DoctorConfigModuleError(module, `exports a zod schema, but @podkit/config cannot be loaded from there to compile it: ${(error as Error).message}`, { cause: error });
  }
  const definition = config.defineConfig?.(value);
  if (!isDefinitionLike(definition)) throw new DoctorConfigModuleError(module, '@podkit/config\'s defineConfig returned no definition');
  return definition;
}
