// What the profile readers share: a profile frame's original source, through the bundle's source map.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

const maps = new Map();

/** The source map beside a script (`<file>.map`), or null; read once per file. */
export function mapFor(url) {
  const f = url.replace(/^file:\/\//, '');
  if (!maps.has(f))
    maps.set(f, existsSync(`${f}.map`) ? new SourceMap(JSON.parse(readFileSync(`${f}.map`, 'utf8'))) : null);
  return maps.get(f);
}

/** `/work/x/node_modules/zod/…` → `node_modules/zod/…`; likewise from lib/, functions/, bench/. */
export const shortSource = (s) => s.replace(/^.*?\/(lib|functions|bench|node_modules)\//, '$1/');

/** A profile call frame as its original file (node:… and native frames as they are). */
export function sourceOf(cf, native = cf.functionName) {
  if (!cf.url) return native;
  if (cf.url.startsWith('node:')) return cf.url;
  const m = mapFor(cf.url);
  if (!m) return shortSource(cf.url);
  const e = m.findEntry(cf.lineNumber, cf.columnNumber);
  if (!e?.originalSource) return shortSource(cf.url);
  return (
    shortSource(e.originalSource) +
    (process.env.BY_FN ? `:${e.originalLine + 1} ${e.name ?? cf.functionName}` : '')
  );
}

/** A .cpuprofile's sampling interval: its median time delta (what one sample stands for; see categories.mjs). */
export const tickOf = (p) => [...p.timeDeltas].sort((a, b) => a - b)[p.timeDeltas.length >> 1] ?? 0;
