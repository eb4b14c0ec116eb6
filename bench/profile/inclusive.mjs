// node bench/profile/inclusive.mjs DIR [ours|baseline] [rows]: inclusive CPU ms per original source file (through the
// source maps), mean per profile: each sample counts once for every distinct file on its stack, as one
// sampling interval (see categories.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceOf, tickOf } from './source-map.mjs';

const [dir, which = 'ours', rowsArg = '40'] = process.argv.slice(2);
const where = (cf) => sourceOf(cf);
const tot = {};
let n = 0;
let all = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const tick = tickOf(p);
  const ours = p.nodes.some((x) => /(alarm|consumer)\/(bundle|index)\.js/.test(x.callFrame.url));
  if ((which === 'ours') !== ours) continue;
  n++;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const memo = new Map();
  const files = (id) => {
    if (!memo.has(id)) {
      const s = new Set(parent.has(id) ? files(parent.get(id)) : []);
      s.add(where(byId.get(id).callFrame));
      memo.set(id, s);
    }
    return memo.get(id);
  };
  for (let i = 0; i < p.samples.length; i++) {
    const dt = tick; // a sample's share: the sampling interval, not its time delta (see the header)
    all += dt;
    for (const k of files(p.samples[i])) tot[k] = (tot[k] ?? 0) + dt;
  }
}
console.log(`${which}: ${n} profiles, ${(all / n / 1000).toFixed(1)} ms sampled each`);
for (const [k, v] of Object.entries(tot)
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(rowsArg)))
  console.log(`${(v / n / 1000).toFixed(2).padStart(7)}  ${k}`);
