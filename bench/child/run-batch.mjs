// One FC instance for figures 4 and 5: loads a bundled function (CommonJS, as FC does), invokes it
// once per batch file in BENCH_BATCHES (a JSON array, run one after another), and writes
// {ms, errors, maxRssKb} to BENCH_OUT. Plain node, no tsx: the process's peak RSS is the function's own.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { handler } = require(process.env.BENCH_BUNDLE);
const context = {
  requestId: `bench-${process.pid}`,
  credentials: JSON.parse(process.env.BENCH_CREDENTIALS ?? '{}'),
  function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 600 },
  region: 'cn-hangzhou',
};
const batches = JSON.parse(process.env.BENCH_BATCHES ?? '[]').map((file) => readFileSync(file));
const errors = [];
let ms = 0;
for (const [i, event] of batches.entries()) {
  const start = performance.now();
  try {
    await handler(event, { ...context, requestId: `${context.requestId}-${i}` });
  } catch (err) {
    errors.push(String(err?.message ?? err).slice(0, 300));
  }
  ms += performance.now() - start;
}
writeFileSync(
  process.env.BENCH_OUT ?? '',
  JSON.stringify({ ms, errors, maxRssKb: process.resourceUsage().maxRSS }),
);
process.exit(0);
