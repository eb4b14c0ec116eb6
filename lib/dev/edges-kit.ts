/**
 * The black-box pieces of the reliability edges (lib/dev/edges.ts): function processes spawned the way
 * a user runs them (`sae-rollback dev --functions-only`), killed with SIGKILL, and deliveries redelivered
 * the way each platform does it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface FunctionProcess {
  child: ChildProcess;
  alarm: string;
  consumer: string;
  guard: string;
}

/** `sae-rollback dev --functions-only --emulators <file> --port 0 --json`, resolved once it listens. */
export async function spawnFunctions(file: string, env: Record<string, string>): Promise<FunctionProcess> {
  const child = spawn(
    process.execPath,
    ['bin/sae-rollback.mjs', 'dev', '--functions-only', '--emulators', file, '--port', '0', '--json'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err = (err + d).slice(-2_000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a function process did not start in 60 s')), 60_000);
    child.stdout?.on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`a function process exited (${code}) before listening: ${err.trim()}`)),
    );
  });
  const urls = (JSON.parse(line) as { functions: Record<string, string> }).functions;
  return { child, alarm: urls.alarm ?? '', consumer: urls.consumer ?? '', guard: urls.guard ?? '' };
}

export async function kill(p: FunctionProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = once(p.child, 'exit');
  p.child.kill('SIGKILL');
  await gone;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

/** A CloudMonitor threshold callback for an SAE app, as it is POSTed (form-urlencoded), sent now. */
export function cloudMonitorForm(appId: string): string {
  return new URLSearchParams({
    alertName: 'checkout 5xx ratio',
    alertState: 'ALERT',
    namespace: 'acs_serverless',
    metricName: 'http_status_5xx_ratio',
    triggerLevel: 'CRITICAL',
    curValue: '7.5',
    ruleId: `rule-${appId}`,
    dimensions: `{appId=${appId}}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
  }).toString();
}

/** One POST of a callback; a killed process or a refused connection is status 0. */
export async function postAlarm(url: string, token: string, form: string): Promise<number> {
  try {
    const res = await fetch(`${url}?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * CloudMonitor's delivery: the callback, then up to 3 retries while the answer is not 200 (any
 * instance may take each one). Returns the statuses seen.
 */
export async function deliverAsCloudMonitor(
  targets: () => FunctionProcess[],
  token: string,
  form: string,
  spacingMs = 3_000,
): Promise<number[]> {
  const seen: number[] = [];
  for (let attempt = 0; attempt <= 3; attempt++) {
    const pool = targets();
    const target = pool[attempt % pool.length];
    if (!target) break;
    const status = await postAlarm(target.alarm, token, form);
    seen.push(status);
    if (status === 200) break;
    await sleep(spacingMs);
  }
  return seen;
}

/** MNS/EventBridge: redelivered until acknowledged (no FC error), here within `ms`. */
export async function deliverUntilAcknowledged(
  targets: () => FunctionProcess[],
  body: string,
  ms = 60_000,
): Promise<number> {
  const end = Date.now() + ms;
  for (let attempt = 0; Date.now() < end; attempt++) {
    const pool = targets();
    const target = pool[attempt % pool.length];
    if (!target) break;
    try {
      const res = await fetch(target.consumer, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.status === 200 && !res.headers.get('x-fc-error-type')) return attempt + 1;
    } catch {
      // a killed instance: the queue delivers again
    }
    await sleep(1_000);
  }
  return -1;
}

/** One timer tick of the guard function (it sweeps orphans whatever it watches). */
export async function guardTick(p: FunctionProcess): Promise<void> {
  const event = JSON.stringify({
    triggerTime: new Date().toISOString(),
    triggerName: 'reliability',
    payload: '',
  });
  await fetch(p.guard, { method: 'POST', body: event, signal: AbortSignal.timeout(60_000) })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
}

/** The most calls any `windowMs` window holds. */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while ((t[i] ?? 0) - (t[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
