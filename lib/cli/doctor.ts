import type { Config } from '../config.js';
import type { CloudCredentials } from '../credentials.js';
import { busCheck } from '../doctor/bus-check.js';
import {
  type CheckResult,
  channelChecks,
  saeChecks,
  settingChecks,
  unprobedActions,
} from '../doctor/checks.js';
import { probeCheck } from '../doctor/probe-check.js';
import { connectRedis } from '../idempotency/redis.js';
import { probeMnsTopic } from '../notify/mns-topic-probe.js';
import { parseCommandArgs, usageError } from './args.js';
import { type Command, EXIT, type Io } from './command.js';
import { cliCredentials } from './credentials.js';
import { cliConfig, cliSaeClient, errorLine } from './settings.js';

const help = `Usage: sae-rollback doctor [--json]

A preflight for a deployment's settings (the functions' environment variables, README "Configuration"),
made of harmless reads only:
  - the configuration loads; credentials resolve (the CLI's rules: README "CLI")
  - each SAE RAM action the functions read with is probed: DescribeApplicationStatus and
    ListChangeOrders on the first watched app (or a probe ID), DescribeChangeOrder on a probe ID
    ("not found" means allowed); the actions with no harmless call are listed as not probed
  - Redis (IDEMPOTENCY_STORE=redis) answers PING, and the key prefix in use
  - the MNS topic exists (GetTopicAttributes; not probed when the credentials may not read topics)
  - the EventBridge bus exists, when EVENTBRIDGE_BUS is set (GetEventBus; needs eventbridge:GetEventBus)
  - the HTTP trigger's authentication is on; the SAE call budget fits the guard
  - every channel's settings are complete

Prints a checklist (ok / FAIL with the fix / not probed) on stdout; --json prints it as JSON.

Exit status: 0 every check passed; 1 a check failed (the fix is beside it); 64 wrong arguments;
             78 the configuration does not load or there are no credentials.`;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: "check a deployment's settings: credentials, RAM actions, Redis, trigger auth, budget, channels",
  help,
  async run(args: string[], io: Io): Promise<number> {
    const p = parseCommandArgs('doctor', args, { json: { type: 'boolean' } }, io, help);
    if (!p.ok) return p.code;
    if (p.positionals.length > 0) return usageError('doctor', io, 'takes no arguments').code;
    const loaded = cliConfig('doctor', io);
    if (!loaded.ok) return loaded.code;
    const { config } = loaded;
    const creds = await cliCredentials('doctor', io);
    if (!creds.ok) return creds.code;
    const results: CheckResult[] = [
      { name: 'configuration', status: 'ok', detail: `loads (region ${config.regionId})` },
      {
        name: 'credentials',
        status: 'ok',
        detail: `AccessKey ${creds.credentials.accessKeyId.slice(0, 8)}…`,
      },
    ];
    const sae = cliSaeClient(config, creds.source);
    results.push(...(await saeChecks(sae, config)));
    for (const action of unprobedActions(config))
      results.push({
        name: `RAM ${action}`,
        status: 'not-probed',
        detail: 'no harmless call; see ram-policy.json',
      });
    results.push(
      await topicCheck(config, creds.credentials),
      ...(config.notify.eventbridge ? [await busCheck(config.notify.eventbridge, creds.credentials)] : []),
    );
    if (config.idempotency.store === 'redis') results.push(await redisCheck(config.redis));
    results.push(...settingChecks(config), ...channelChecks(config));

    const failed = results.filter((r) => r.status === 'fail').length;
    if (p.values.json) io.stdout(`${JSON.stringify({ ok: failed === 0, checks: results })}\n`);
    else {
      const mark = { ok: 'ok  ', fail: 'FAIL', 'not-probed': '--  ' } as const;
      const lines = results.map(
        (r) => `${mark[r.status]}  ${r.name}: ${r.detail}${r.fix ? `\n        fix: ${r.fix}` : ''}`,
      );
      io.stdout(
        `${lines.join('\n')}\n\n${failed === 0 ? 'All checks passed' : `${failed} check(s) failed`} (-- = not probed).\n`,
      );
    }
    return failed === 0 ? EXIT.ok : EXIT.failed;
  },
};

async function topicCheck(config: Config, credentials: CloudCredentials): Promise<CheckResult> {
  const { topic, endpoint, timeoutMs } = config.mns;
  const probe = await probeMnsTopic({ endpoint, topic, credentials, timeoutMs });
  return probeCheck('MNS topic exists', endpoint, probe, {
    exists: `${topic} at ${endpoint}`,
    missing: {
      detail: `${topic} does not exist at ${endpoint}`,
      fix: `create the MNS topic ${topic} in ${config.regionId} (Deploy, step 6) or set MNS_TOPIC to yours`,
    },
    forbidden: (code) => ({
      status: 'not-probed',
      detail: `${code}: these credentials may not read topics (mns:GetTopicAttributes; the role only publishes)`,
    }),
    error: 'check MNS_ENDPOINT (or MNS_ACCOUNT_ID and the region) and the network path to MNS',
  });
}

async function redisCheck(r: { url: string; keyPrefix: string; timeoutMs: number }): Promise<CheckResult> {
  const name = 'Redis';
  const host = new URL(r.url.replace(/^rediss?:/, 'http:')).host;
  const redis = connectRedis({ url: r.url, timeoutMs: r.timeoutMs });
  try {
    await redis.ping();
    const prefix =
      r.keyPrefix === ''
        ? 'no key prefix (fine if this deployment has the Redis alone)'
        : `key prefix "${r.keyPrefix}"`;
    return { name, status: 'ok', detail: `${host} answers PING; ${prefix}` };
  } catch (err) {
    return {
      name,
      status: 'fail',
      detail: `${host}: ${errorLine(err).slice(0, 160)}`,
      fix: 'check REDIS_URL, the VPC / whitelist between FC and Redis, and the password in the URL',
    };
  } finally {
    redis.disconnect();
  }
}
