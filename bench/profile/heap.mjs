// node bench/profile/heap.mjs DIR [rows]: bytes still allocated at exit per original source file (sampling heap profile,
// through the source maps), self and inclusive, mean per profile.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceOf } from './source-map.mjs';

const [dir, rowsArg = '30'] = process.argv.slice(2);
const where = (cf) => sourceOf(cf, cf.functionName || '(anon native)');
const self = {};
const incl = {};
let n = 0;
let all = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.heapprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  n++;
  const walk = (node, stack) => {
    const w = where(node.callFrame);
    const s = new Set(stack);
    s.add(w);
    const bytes = node.selfSize ?? 0;
    all += bytes;
    self[w] = (self[w] ?? 0) + bytes;
    for (const k of s) incl[k] = (incl[k] ?? 0) + bytes;
    for (const c of node.children ?? []) walk(c, s);
  };
  walk(p.head, new Set());
}
const kb = (b) => (b / n / 1024).toFixed(0).padStart(6);
console.log(`${n} profiles, ${kb(all)} KiB sampled live each`);
console.log('-- self');
for (const [k, v] of Object.entries(self)
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(rowsArg)))
  console.log(`${kb(v)} KiB  ${k}`);
console.log('-- inclusive');
for (const [k, v] of Object.entries(incl)
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(rowsArg)))
  console.log(`${kb(v)} KiB  ${k}`);
