// node bench/profile/categories.mjs DIR: self CPU per category (GC, idle, node, zod, the SDKs, our code, …)
// from .cpuprofile files, through the bundles' source maps, mean ms per profile, ours and the baseline apart
// (ours: a profile that ran an alarm/bundle.js). Each sample counts as one sampling interval (the median time
// delta), not as its own delta: on a loaded machine a process descheduled for 150 ms shows up as one sample
// with a 150 ms delta on whatever function it was in, which is not CPU that function used.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapFor, tickOf } from './source-map.mjs';

const [dir, rowsArg = '4'] = process.argv.slice(2);
const SDK = /node_modules\/(@alicloud\/|httpx|kitx|xml2js|sax|xmlbuilder|debug|ms|ini|@darabonba)/;
function classify(cf) {
  if (!cf.url) {
    if (cf.functionName === '(garbage collector)') return ['GC', 'GC'];
    if (cf.functionName === '(idle)') return ['idle (waiting for I/O)', 'idle'];
    if (cf.functionName === '(program)') return ['(program): V8 outside JS', 'program'];
    return ['node internals and natives', cf.functionName];
  }
  if (cf.url.startsWith('node:vm') || cf.url === 'node:internal/vm') return ['code cache (node:vm)', cf.url];
  if (cf.url.startsWith('node:'))
    return [
      'node internals and natives',
      process.env.FULL ? cf.url : cf.url.split('/').slice(0, 2).join('/'),
    ];
  const m = mapFor(cf.url);
  if (!m) return [/alarm|bench\/child/.test(cf.url) ? 'bench child' : 'baseline bundle (no map)', cf.url];
  const src =
    m.findEntry(cf.lineNumber, cf.columnNumber)?.originalSource ??
    '(bundle top level: module scope of modules esbuild did not wrap)';
  const s = src.replace(/^.*?\/(lib|functions|node_modules)\//, '$1/');
  if (s.startsWith('node_modules/zod/')) return ['zod', s.split('/').slice(2, 4).join('/')];
  if (SDK.test(`/${s}`))
    return ['Alibaba Cloud SDKs (openapi-client, credentials, httpx, xml2js, …)', s.split('/')[1]];
  if (s.startsWith('node_modules/')) return ['other packages', s.split('/')[1]];
  return ['our code (lib/, functions/)', s];
}
const out = {};
for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const tick = tickOf(p);
  const who = p.nodes.some((x) => /(alarm|consumer)\/bundle\.js/.test(x.callFrame.url)) ? 'ours' : 'baseline';
  out[who] ??= { n: 0, total: 0, cat: {} };
  const o = out[who];
  o.n++;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const cls = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    const dt = tick; // a sample's share: the sampling interval, not its time delta (see the header)
    if (!cls.has(id)) cls.set(id, classify(byId.get(id).callFrame));
    const [c, k] = cls.get(id);
    o.cat[c] ??= { t: 0, by: {} };
    o.cat[c].t += dt;
    o.cat[c].by[k] = (o.cat[c].by[k] ?? 0) + dt;
    o.total += dt;
  }
}
const ms = (us, n) => (us / n / 1000).toFixed(1);
for (const [who, o] of Object.entries(out)) {
  console.log(`== ${who}: ${o.n} profiles, ${ms(o.total, o.n)} ms sampled each`);
  for (const [c, v] of Object.entries(o.cat).sort((a, b) => b[1].t - a[1].t)) {
    const top = Object.entries(v.by)
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(rowsArg))
      .map(([k, t]) => `${k} ${ms(t, o.n)}`)
      .join(', ');
    console.log(
      `${ms(v.t, o.n).padStart(7)} ms  ${c}${c === 'GC' || c.startsWith('idle') ? '' : `: ${top}`}`,
    );
  }
}
