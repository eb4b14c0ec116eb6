// node bench/profile/modtime.mjs [entry] [runs] [rows]: builds a non-minified bundle of `entry`, instruments each
// module's module-scope code (esbuild's top-level module sections and its lazy __esm inits) with process
// CPU time, loads it `runs` times in fresh processes and prints the median exclusive CPU ms per module
// (CJS packages required from a module count toward that module).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundlePlugins } from '../../bin/build-plugins.mjs';

const root = new URL('../..', import.meta.url).pathname;
const entry = process.argv[2] ?? 'functions/alarm.ts';
const runs = Number(process.argv[3] ?? 7);
const dir = join(tmpdir(), 'sae-rollback-modtime');
mkdirSync(dir, { recursive: true });
const out = join(dir, 'index.js');
await build({
  entryPoints: [join(root, entry)],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  plugins: bundlePlugins,
  external: ['@alicloud/fc2'],
  logLevel: 'warning',
});
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
let src = readFileSync(out, 'utf8');
src = src
  .split('\n')
  .map((l) => {
    const m = /^\/\/ ((?:lib|functions|node_modules)\/.+)$/.exec(l);
    return m ? `${l}\n__T(${JSON.stringify(m[1])});` : l;
  })
  .join('\n');
// __esm inits: exclusive time (minus nested inits), and subtracted from the section that called them.
src = src.replace(
  /^var __esm = .*$/m,
  `var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  if (!fn) return res;
  const name = __getOwnPropNames(fn)[0]; const f = fn[name]; fn = 0;
  const t0 = __now(); __S.push(0);
  try { res = f(); } catch (e) { err = [e]; throw e; }
  finally { const d = __now() - t0; const nested = __S.pop(); __A[name] = (__A[name] ?? 0) + d - nested; __S[__S.length - 1] += d; }
  return res;
};
var __esm_unused = (fn, res, err) => function __init() {`,
);
src = `var __now=()=>{const u=process.cpuUsage();return (u.user+u.system)/1000};var __A={};var __S=[0];var __cur="(start)";var __t0=__now();
function __T(n){const t=__now();__A[__cur]=(__A[__cur]??0)+t-__t0-__S[0];__S[0]=0;__cur=n;__t0=__now()}globalThis.__A=__A;
var __start=__now();\n${src}\n;__T("(end)");__A.total=__now()-__start;`;
writeFileSync(out, src);
const env = {
  PATH: process.env.PATH,
  SAE_REGION: 'cn-hangzhou',
  MNS_ENDPOINT: 'http://127.0.0.1:9',
  MNS_TOPIC: 'b',
  ALARM_AUTH_REQUIRED: 'false',
  LOG_LEVEL: 'error',
};
const acc = {};
for (let i = 0; i < runs; i++) {
  const r = execFileSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(out)});console.log(JSON.stringify(globalThis.__A))`],
    { env },
  );
  for (const [k, v] of Object.entries(JSON.parse(r))) {
    acc[k] ??= [];
    acc[k].push(v);
  }
}
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};
const rows = Object.entries(acc)
  .map(([k, v]) => [k, med(v)])
  .sort((a, b) => b[1] - a[1]);
const grp = {};
for (const [k, v] of rows) {
  if (k === 'total') continue;
  const p = k.replace(/^zl:.*node_modules\//, 'node_modules/').split('/');
  const g =
    p[0] === 'node_modules'
      ? p[1].startsWith('@')
        ? `${p[1]}/${p[2]}`
        : p[1]
      : p[0] === 'lib' && p.length > 2
        ? `lib/${p[1]}/`
        : k;
  grp[g] = (grp[g] ?? 0) + v;
}
console.log(
  `${entry}: module-scope CPU, median of ${runs}: ${med(acc.total).toFixed(1)} ms (sum of medians ${rows
    .filter(([k]) => k !== 'total')
    .reduce((s, [, v]) => s + v, 0)
    .toFixed(1)})`,
);
console.log('-- by package / lib area');
for (const [k, v] of Object.entries(grp)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  console.log(v.toFixed(2).padStart(7), k);
console.log('-- by module');
for (const [k, v] of rows.slice(0, Number(process.argv[4] ?? 40))) console.log(v.toFixed(2).padStart(7), k);
