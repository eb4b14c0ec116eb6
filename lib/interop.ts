/**
 * The @alicloud packages are CommonJS compiled from TypeScript (`exports.default = Client` plus
 * `__esModule`). Node's ESM loader, tsx, vitest and esbuild disagree on whether a default import of such
 * a module yields `module.exports` or `module.exports.default`. Unwrap until we reach the class, so the
 * same code works under all of them.
 */
export function cjsDefault<T>(mod: unknown): T {
  let m = mod as { default?: unknown } | undefined;
  for (let i = 0; i < 3 && typeof m !== 'function' && m && 'default' in m; i++) {
    m = m.default as { default?: unknown };
  }
  if (typeof m !== 'function')
    throw new TypeError('Could not find the default export class of a CommonJS module');
  return m as T;
}
