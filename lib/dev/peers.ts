/**
 * The real Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager` packages,
 * installed by .ci/run) on free loopback ports, each with its own temporary config and data directory,
 * for the tests and `npm run demo:analysis`.
 * Their config files are written as JSON, which their YAML parsers read as is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The absolute path of `name` on PATH, or an error that says how to get it. */
export function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH). Run .ci/run, which installs Debian's prometheus and ` +
      'prometheus-alertmanager packages, or: apt-get install -y prometheus prometheus-alertmanager',
  );
}

/** A port that was free a moment ago on 127.0.0.1 (for a child process that must be told its port). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `ms` saying what it waited for. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Peer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What the process wrote, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

/**
 * Starts `binary` on a free port; if another process took that port between the probe and the bind,
 * tries again on another (at most three times).
 */
async function startPeer(
  binary: string,
  args: (dir: string, port: number) => string[],
  files: Record<string, unknown>,
): Promise<Peer> {
  const path = requireBinary(binary);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, path, args, files);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(
  binary: string,
  path: string,
  args: (dir: string, port: number) => string[],
  files: Record<string, unknown>,
): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), `sae-rollback-${binary}-`));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), JSON.stringify(content, null, 2));
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(path, args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(`${binary} to be ready on ${url}`, 20_000, async () => {
      if (child.exitCode !== null) throw new Error(`${binary} exited (${child.exitCode}):\n${out}`);
      const ok = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      return ok ? true : undefined;
    });
  } catch (err) {
    await close();
    throw new Error(`${(err as Error).message}\n${binary} said:\n${out}`);
  }
  return { url, output: () => out, close };
}

export interface AlertmanagerOptions {
  /** Where the webhook notifier posts (the alarm function's URL). */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>` through `http_config.authorization`. */
  bearerToken: string;
  /** group_wait / group_interval / repeat_interval; small, so that a test sees repeats. */
  interval?: string;
}

/** Alertmanager, clustering off, one route to the webhook receiver. */
export function startAlertmanager(o: AlertmanagerOptions): Promise<Peer> {
  const every = o.interval ?? '1s';
  const config = {
    route: {
      receiver: 'sae-rollback',
      group_by: ['alertname', 'appId'],
      group_wait: every,
      group_interval: every,
      repeat_interval: every,
    },
    receivers: [
      {
        name: 'sae-rollback',
        webhook_configs: [
          {
            url: o.webhookUrl,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials: o.bearerToken } },
          },
        ],
      },
    ],
  };
  return startPeer(
    'prometheus-alertmanager',
    (dir, port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No gossip: a lone instance, no port of its own.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { 'alertmanager.yml': config },
  );
}

export interface PrometheusOptions {
  /** `host:port` of the exporter to scrape. */
  target: string;
  /** `host:port` of the Alertmanager to send alerts to (none: no alerting). */
  alertmanager?: string;
  /** Alerting rules (Prometheus rule objects). */
  rules?: unknown[];
}

/** Prometheus scraping one target every second, evaluating the rules every second. */
export function startPrometheus(o: PrometheusOptions): Promise<Peer> {
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' },
    rule_files: ['rules.yml'],
    ...(o.alertmanager
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] } }
      : {}),
    scrape_configs: [{ job_name: 'app', static_configs: [{ targets: [o.target] }] }],
  };
  return startPeer(
    'prometheus',
    (dir, port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { 'prometheus.yml': config, 'rules.yml': { groups: [{ name: 'sae-rollback', rules: o.rules ?? [] }] } },
  );
}
