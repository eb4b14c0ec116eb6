/**
 * One "FC instance" for the multi-process tests: builds the real runtime from environment-style
 * config (Redis store, SAE + MNS emulators started by the test process), says `ready`, waits for `go`
 * on stdin, runs every delivery concurrently through processRequest, and prints one JSON line with
 * the outcomes. Run with `node --import tsx test/scale/worker.ts`; input in WORKER_INPUT (JSON).
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../lib/config.js';
import { createLogger } from '../../lib/log.js';
import { processRequest } from '../../lib/rollback/process.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { createRuntime } from '../../lib/runtime.js';

export interface WorkerInput {
  env: Record<string, string>;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string };
  deliveries: Array<Omit<RollbackRequest, 'receivedAt'>>;
  /** FC's function timeout for each delivery, in seconds: sets the deadline (and the claim's expiry). */
  timeoutSeconds: number;
}

export interface WorkerResult {
  outcome: string;
  original?: string;
  changeOrderId?: string;
  valve?: string;
}

const input = JSON.parse(process.env.WORKER_INPUT ?? '{}') as WorkerInput;
const rt = createRuntime(loadConfig(input.env), {
  logger: createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) }),
  fallbackCredentials: { get: () => Promise.reject(new Error('no credentials')) },
});
rt.credentials.set(input.credentials);
// Connect before saying ready, so "go" measures the work and not the connection.
await rt.store.get('sae-rollback:warm-up');
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const results = await Promise.all(
    input.deliveries.map(async (d, i): Promise<WorkerResult> => {
      const now = rt.clock.now();
      const r = await processRequest(
        { ...rt, notifyDuplicates: false },
        { ...d, receivedAt: now },
        { fcRequestId: `${process.pid}-${i}`, deadline: now + input.timeoutSeconds * 1000 },
      );
      const o = r.outcome;
      return {
        outcome: o.outcome,
        ...(o.original ? { original: o.original.outcome } : {}),
        ...(o.changeOrderId ? { changeOrderId: o.changeOrderId } : {}),
        ...(o.valve ? { valve: o.valve } : {}),
      };
    }),
  );
  process.stdout.write(`${JSON.stringify({ results })}\n`);
  break;
}
lines.close();
await rt.store.close?.();
