import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEvent } from '../../lib/events/index.js';

/** The README's yaml block whose first line starts with `# <file>`. */
function readmeBlock(file: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((b) => b.startsWith(`# ${file}`));
  if (!block) throw new Error(`README has no yaml block starting with "# ${file}"`);
  return block;
}

interface Rule {
  alert: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rulesYaml = readmeBlock('prometheus-rules.yml');
const rule = (parse(rulesYaml) as { groups: Array<{ rules: Rule[] }> }).groups[0]?.rules[0] as Rule;
const APP = rule.labels.sae_app_id;

/** Installed by .ci/run (Debian's prometheus and prometheus-alertmanager packages). */
/** The tool, or a clear failure: `.ci/run` installs it (Debian's prometheus / prometheus-alertmanager). */
const need = (tool: string, pkg: string) => {
  if (spawnSync(tool, ['--version']).status !== 0)
    throw new Error(`${tool} not found: run .ci/run, or apt-get install -y ${pkg}`);
};

describe("README's ARMS / Prometheus alert rule", () => {
  it('names the app under a default label, with severity, summary and description', () => {
    // The alert as Alertmanager's webhook sends it: the rule's labels plus alertname, its annotations.
    const alert = {
      status: 'firing',
      labels: { alertname: rule.alert, ...rule.labels },
      annotations: { ...rule.annotations, description: '9.091% of checkout’s requests fail' },
      startsAt: '2026-11-29T02:58:15Z',
      fingerprint: 'c0ffee0000000001',
    };
    const body = { version: '4', status: 'firing', receiver: 'sae-rollback', alerts: [alert] };
    const [r] = parseEvent(Buffer.from(JSON.stringify(body)), Date.now()).records;
    expect(r).toMatchObject({ disposition: 'act', appId: APP, changeOrderId: null });
    expect(r?.alarm).toMatchObject({
      name: rule.alert,
      severity: 'critical',
      summary: rule.annotations.summary,
      description: '9.091% of checkout’s requests fail',
    });
  });

  it('fires on a 9 % 5xx ratio and not on a healthy one (promtool test rules)', () => {
    need('promtool', 'prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-rules-'));
    writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    const series = (errorsPerMin: number) => [
      { series: 'http_requests_total{app="checkout",code="500"}', values: `0+${errorsPerMin}x10` },
      { series: 'http_requests_total{app="checkout",code="200"}', values: '0+600x10' },
    ];
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series(60),
          alert_rule_test: [
            {
              eval_time: '5m',
              alertname: rule.alert,
              exp_alerts: [
                {
                  exp_labels: rule.labels,
                  exp_annotations: {
                    summary: rule.annotations.summary,
                    description:
                      "9.091% of checkout's requests fail; sae-rollback stops the running release.",
                  },
                },
              ],
            },
          ],
        },
        {
          interval: '1m',
          input_series: series(1),
          alert_rule_test: [{ eval_time: '5m', alertname: rule.alert, exp_alerts: [] }],
        },
      ],
    };
    writeFileSync(join(dir, 'tests.yml'), JSON.stringify(tests));
    const run = spawnSync('promtool', ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  it('routes to a webhook that sends every alert (amtool check-config)', () => {
    need('amtool', 'prometheus-alertmanager');
    const dir = mkdtempSync(join(tmpdir(), 'sae-rollback-am-'));
    const yaml = readmeBlock('alertmanager.yml');
    writeFileSync(join(dir, 'alertmanager.yml'), yaml);
    const run = spawnSync('amtool', ['check-config', 'alertmanager.yml'], { cwd: dir, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const hook = (parse(yaml) as { receivers: Array<{ webhook_configs: Array<Record<string, unknown>> }> })
      .receivers[0]?.webhook_configs[0];
    expect(hook).toMatchObject({
      send_resolved: true,
      max_alerts: 0,
      url: expect.stringMatching(/\/alarm\?token=/),
    });
  });
});
