// One cold start to first abort, as FC runs it: this process loads a bundled function (CommonJS),
// handles the one event in BENCH_EVENT (a file), and exits. The parent times spawn → exit.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { handler } = require(process.env.BENCH_BUNDLE);
const context = {
  requestId: `bench-${process.pid}`,
  credentials: JSON.parse(process.env.BENCH_CREDENTIALS ?? '{}'),
  function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 30 },
  region: 'cn-hangzhou',
};
await handler(readFileSync(process.env.BENCH_EVENT ?? ''), context);
process.exit(0);
