// node bench/profile/pair-cpu.mjs FILE: from the GC lines gc-observer.cjs wrote during cold-abort.ts (two
// children per pair, in order), the median of the per-pair CPU ratios, ours ÷ the other bundle. OURS: a
// regular expression for our bundle's path (default alarm/index.js).
import { readFileSync } from 'node:fs';

const l = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((x) => x.startsWith('GC '))
  .map((x) => JSON.parse(x.slice(3)));
const ratios = [];
for (let i = 0; i + 1 < l.length; i += 2) {
  const [a, b] = [l[i], l[i + 1]];
  const ours = new RegExp(process.argv[3] ?? 'alarm/index\\.js$').test(a.bundle) ? a : b;
  const other = ours === a ? b : a;
  ratios.push(ours.cpuMs / other.cpuMs);
}
const s = [...ratios].sort((x, y) => x - y);
console.log(
  `${ratios.length} pairs: CPU ours ÷ other, median ${s[s.length >> 1].toFixed(2)} (quartiles ${s[s.length >> 2].toFixed(2)}–${s[(3 * s.length) >> 2].toFixed(2)})`,
);
