// node -r ./bench/profile/alloc-observer.cjs …: samples every allocation (kept or collected) from the start and writes a
// .heapprofile to ALLOC_PROF_DIR at process.exit (analyse with bench/profile/heap.mjs).
const { Session } = require('node:inspector');
const s = new Session();
s.connect();
s.post('HeapProfiler.startSampling', {
  samplingInterval: 2048,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const exit = process.exit;
process.exit = (code) => {
  s.post('HeapProfiler.stopSampling', (_err, r) => {
    const tag = /[/]dist[/](alarm|consumer)[/]/.test(process.env.BENCH_BUNDLE ?? '') ? 'ours' : 'baseline';
    require('node:fs').writeFileSync(
      `${process.env.ALLOC_PROF_DIR ?? require('node:os').tmpdir()}/${tag}-${process.pid}.heapprofile`,
      JSON.stringify(r.profile),
    );
    exit(code);
  });
};
