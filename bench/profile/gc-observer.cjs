// node -r ./bench/profile/gc-observer.cjs …: prints this process's GC count, kinds and time, heap used and CPU at exit.
const { PerformanceObserver } = require('node:perf_hooks');
const kinds = {};
let ms = 0;
let n = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    ms += e.duration;
    n++;
    kinds[e.detail.kind] = (kinds[e.detail.kind] ?? 0) + 1;
  }
}).observe({ entryTypes: ['gc'] });
const exit = process.exit;
process.exit = (code) => {
  const u = process.cpuUsage();
  const m = process.memoryUsage();
  require('node:fs').writeSync(
    2,
    `GC ${JSON.stringify({ n, ms: +ms.toFixed(1), kinds, cpuMs: +((u.user + u.system) / 1000).toFixed(1), heapMiB: +(m.heapUsed / 1048576).toFixed(1), bundle: process.env.BENCH_BUNDLE })}\n`,
  );
  exit(code);
};
