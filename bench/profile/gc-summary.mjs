// node bench/profile/gc-summary.mjs FILE: medians of the GC lines bench/profile/gc-observer.cjs wrote, per bundle.
import { readFileSync } from 'node:fs';

const l = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((x) => x.startsWith('GC '))
  .map((x) => JSON.parse(x.slice(3)));
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
for (const b of [...new Set(l.map((x) => x.bundle))]) {
  const r = l.filter((x) => x.bundle === b);
  console.log(
    b,
    `n=${r.length}`,
    'scavenges',
    med(r.map((x) => x.n)),
    'gc ms',
    med(r.map((x) => x.ms)),
    'cpu ms',
    med(r.map((x) => x.cpuMs)),
    'heap MiB',
    med(r.map((x) => x.heapMiB)),
  );
}
