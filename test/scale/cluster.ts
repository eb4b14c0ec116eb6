import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { WorkerInput, WorkerResult } from './worker.js';

const root = new URL('../../', import.meta.url).pathname;
const script = new URL('./worker.ts', import.meta.url).pathname;

export interface Worker {
  child: ChildProcess;
  /** Resolves with the worker's outcomes, or rejects if it exits without printing them. */
  results: Promise<WorkerResult[]>;
}

/** Starts `inputs.length` worker processes and resolves once every one says `ready`. */
export async function startWorkers(inputs: WorkerInput[]): Promise<Worker[]> {
  const workers = inputs.map((input) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: { ...process.env, WORKER_INPUT: JSON.stringify(input) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
    });
    const results = new Promise<WorkerResult[]>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line === 'ready') onReady();
        else if (line.startsWith('{')) resolve((JSON.parse(line) as { results: WorkerResult[] }).results);
      });
      child.on('exit', (code, signal) =>
        reject(new Error(`worker ${child.pid} exited (${code ?? signal}) without results:\n${stderr}`)),
      );
    });
    results.catch(() => undefined); // a killed worker's results are never awaited
    const exited = new Promise<never>((_, reject) =>
      child.on('exit', (code) => reject(new Error(`worker exited (${code}) before ready:\n${stderr}`))),
    );
    exited.catch(() => undefined);
    return { child, results, ready: Promise.race([ready, exited]) };
  });
  await Promise.all(workers.map((w) => w.ready));
  return workers.map(({ child, results }) => ({ child, results }));
}

/** Tells every worker to start, at (nearly) the same instant. */
export function go(workers: Worker[]): void {
  for (const w of workers) w.child.stdin?.write('go\n');
}

/** Polls until `check` is true (for things that happen in other processes), or throws after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
