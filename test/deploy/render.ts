import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The variables a deployer must export before `s deploy` (README "Deploy"); every other `${env('X', '')}`
 * in s.yaml has an explicit default. Values are placeholders of the right shape.
 */
export const REQUIRED_ENV = {
  SAE_ROLLBACK_REGION: 'cn-shanghai',
  SAE_ROLLBACK_ROLE_ARN: 'acs:ram::1234567890123456:role/sae-rollback',
  SAE_ROLLBACK_LOG_PROJECT: 'my-sls-project',
  SAE_ROLLBACK_ROCKETMQ_INSTANCE_ID: 'rmq-cn-test0001',
  SAE_ROLLBACK_KAFKA_INSTANCE_ID: 'alikafka-cn-test0001',
} as const;

/** A rendered project: what `s preview -o json` printed, parsed. */
export interface RenderedProject {
  edition: string;
  vars: Record<string, unknown>;
  resources: Record<string, { component: string; props: Record<string, unknown> }>;
}

export interface Rendered {
  ok: boolean;
  /** Undefined when rendering failed. */
  project?: RenderedProject;
  output: string;
}

/**
 * Renders a template with the real Serverless Devs CLI (`s preview`, from node_modules), offline: HOME is
 * an empty temp dir (no access configured, no ~/.s), and only PATH plus `env` are in the environment, so
 * nothing of the developer's shell leaks in. `s preview` substitutes `${vars…}` and `${env…}` and leaves
 * `${config('AccountID')}` as written (it needs no credentials).
 */
export function renderTemplate(template: string, env: Record<string, string>): Rendered {
  const home = mkdtempSync(join(tmpdir(), 's-home-'));
  try {
    const r = spawnSync(join(root, 'node_modules/.bin/s'), ['preview', '-t', template, '-o', 'json'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: home, CI: 'true', NO_UPDATE_NOTIFIER: '1', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    // The CLI may print warnings (e.g. "run as root") on stdout before the document.
    const start = r.stdout.indexOf('\n{');
    const json = r.stdout.startsWith('{') ? r.stdout : start >= 0 ? r.stdout.slice(start + 1) : '';
    if (r.status !== 0 || json === '') return { ok: false, output };
    return { ok: true, project: JSON.parse(json) as RenderedProject, output };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
