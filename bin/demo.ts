/**
 * `npm start`: the whole job on this machine, no cloud account needed. Runs on its own fixed
 * configuration whatever the shell exports (lib/dev/isolated-env.ts), validated before anything starts.
 * Starts the emulators on free ports, seeds an app (fresh IDs every run) whose release is going bad,
 * serves the alarm function over HTTP like FC's HTTP trigger, posts a real CloudMonitor callback
 * (form-urlencoded, with the callback URL's token) to it, then the same callback again, and says in
 * plain words what happened. Exits non-zero unless the outcomes are exactly one `aborted`, one
 * `duplicate` (not re-published) and one refused caller (401).
 */

import { randomBytes } from 'node:crypto';
import { startDingTalkEmulator } from '../emulators/dingtalk/index.js';
import { startEventBridgeEmulator } from '../emulators/eventbridge/index.js';
import { startMnsEmulator } from '../emulators/mns/index.js';
import { startSaeEmulator } from '../emulators/sae/index.js';
import { startWebhookEmulator } from '../emulators/webhook/index.js';
import { ConfigError, loadConfig } from '../lib/config.js';
import { type CallbackAlarm, callbackBody, describeCallback } from '../lib/dev/cloudmonitor-callback.js';
import { fakeFcContext } from '../lib/dev/fc-context.js';
import { loadHandler } from '../lib/dev/functions.js';
import { isolateEnvironment, isolationLine } from '../lib/dev/isolated-env.js';
import { startDevServer } from '../lib/dev/server.js';

const STS = {
  accessKeyId: 'STS.demoAccessKeyId',
  accessKeySecret: 'demo-secret-never-printed',
  securityToken: 'demo-sts-token-never-printed',
};
/** Fresh every run, so nothing a previous run (or anything else) remembers can apply to this one. */
const APP_ID = `0099b7be-5f5b-4512-a7fc-${randomBytes(6).toString('hex')}`;
const TOPIC = 'sae-rollback-outcomes';
const DINGTALK = { accessToken: 'demo-dingtalk-token', secret: 'SECdemo-dingtalk-secret-never-printed' };
const WEBHOOK_SECRET = 'demo-webhook-secret-never-printed';
/** The secret token in the callback URL CloudMonitor is given (README, "Security"). */
const ALARM_TOKEN = 'demo-callback-token-never-printed';
const BUS = 'sae-rollback';
const ROCKETMQ_TOPIC = 'sae-rollback-outcomes';

const TIMER_EVENT = { triggerTime: new Date().toISOString(), triggerName: 'guard-every-minute', payload: '' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (n: number, text: string) => say(`\n[${n}] ${text}`);

/** The demo's whole configuration; the emulators' addresses are filled in once they listen. */
function demoEnv(at: { sae: string; mns: string; dingtalk: string; webhook: string; eventbridge: string }) {
  return {
    SAE_REGION: 'cn-hangzhou',
    SAE_ENDPOINT: at.sae,
    SAE_PROTOCOL: 'http',
    MNS_ENDPOINT: at.mns,
    MNS_TOPIC: TOPIC,
    IDEMPOTENCY_STORE: 'memory',
    DINGTALK_ACCESS_TOKEN: DINGTALK.accessToken,
    DINGTALK_SECRET: DINGTALK.secret,
    DINGTALK_ENDPOINT: at.dingtalk,
    WEBHOOK_URL: at.webhook,
    WEBHOOK_SECRET,
    ALARM_AUTH_TOKENS: ALARM_TOKEN,
    EVENTBRIDGE_BUS: BUS,
    EVENTBRIDGE_ENDPOINT: at.eventbridge,
    LOG_LEVEL: 'warn',
  };
}

/** LOG_LEVEL is the one variable taken from the shell (README: `LOG_LEVEL=info npm start`). */
const LOG_LEVEL = process.env.LOG_LEVEL;
const removed = isolateEnvironment(process.env, {});

/** Checks the fixed configuration before any emulator starts (placeholder addresses). */
function validate(): string | undefined {
  const u = 'http://127.0.0.1:9';
  try {
    loadConfig({
      ...demoEnv({ sae: '127.0.0.1:9', mns: u, dingtalk: u, webhook: u, eventbridge: u }),
      ...(LOG_LEVEL ? { LOG_LEVEL } : {}),
    });
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
}

async function main(): Promise<number> {
  const invalid = validate();
  if (invalid) {
    process.stderr.write(`npm start: ${invalid}\n`);
    return 78;
  }
  // SAE takes a moment to roll the batches back after the abort (emulated: 1.5 s), as it does for real.
  const sae = await startSaeEmulator({
    credentials: [STS],
    abortProgress: { mode: 'terminating', terminatingMs: 1_500, end: 'rolled-back' },
  });
  const mns = await startMnsEmulator({ credentials: [STS], topics: [TOPIC] });
  const dingtalk = await startDingTalkEmulator({ robots: [DINGTALK] });
  const webhook = await startWebhookEmulator({ secrets: [WEBHOOK_SECRET] });
  // EventBridge with one rule routing every outcome to a (stand-in) RocketMQ topic, as in the README.
  const eventbridge = await startEventBridgeEmulator({
    credentials: [STS],
    buses: [BUS],
    rules: [
      {
        bus: BUS,
        name: 'outcomes-to-rocketmq',
        pattern: { source: ['sae-rollback'], type: [{ prefix: 'sae-rollback:Outcome:' }] },
        targets: [{ type: 'rocketmq', topic: ROCKETMQ_TOPIC }],
      },
    ],
  });
  const consumed: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  eventbridge.sink.subscribe(ROCKETMQ_TOPIC, (m) => consumed.push(m.tags));
  try {
    say('sae-rollback local demo — emulated SAE and MNS on 127.0.0.1, real signed HTTP calls.');
    say(isolationLine(removed));
    say(`  SAE emulator: ${sae.url}   MNS emulator: ${mns.url}`);
    say(`  DingTalk robot receiver: ${dingtalk.url}   webhook receiver: ${webhook.url}`);
    say(
      `  EventBridge emulator: ${eventbridge.url} (bus "${BUS}", rule → RocketMQ topic "${ROCKETMQ_TOPIC}")`,
    );

    step(1, 'A release is going bad');
    sae.seedApp({ appId: APP_ID, appName: 'checkout', versions: ['v41', 'v42'] });
    const changeOrderId = sae.startChangeOrder({
      appId: APP_ID,
      toVersion: 'v43',
      status: 1,
      subStatus: 1,
      batchCount: 3,
      description: 'deploy v43',
    });
    say(
      `  App "checkout" (${APP_ID}) is deploying v43 in change order ${changeOrderId}; batch 1 is failing.`,
    );

    // The function reads its configuration from the environment at cold start, as on FC.
    Object.assign(process.env, {
      ...demoEnv({
        sae: sae.endpoint,
        mns: mns.url,
        dingtalk: dingtalk.sendUrl,
        webhook: `${webhook.url}/hooks/sae-rollback`,
        eventbridge: eventbridge.url,
      }),
      ...(LOG_LEVEL ? { LOG_LEVEL } : {}),
      // The follow-up's first look one second after the abort (default 30 s), so the demo is short.
      FOLLOW_UP_FIRST_CHECK_SECONDS: '1',
    });
    const trigger = await startDevServer({
      functions: [
        {
          name: 'alarm',
          functionName: 'sae-rollback-alarm',
          kind: 'http',
          handler: await loadHandler('alarm'),
        },
      ],
      credentials: STS,
    });
    closers.push(() => trigger.close());
    const callbackUrl = `${trigger.urls.alarm}?token=${ALARM_TOKEN}`;
    const alarm: CallbackAlarm = {
      appId: APP_ID,
      appName: 'checkout',
      alertName: 'SAE 应用 5xx 比例过高',
      curValue: 7.52,
      threshold: 5,
      timestamp: Math.floor(Date.now() / 1000),
    };
    const post = async (url: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
          'User-Agent': 'Apache-HttpClient/4.5.13 (Java/1.8.0_152)',
        },
        body: callbackBody(alarm),
      });
      return { statusCode: res.status, body: await res.text() };
    };

    step(2, 'CloudMonitor fires the alarm and posts its callback to the HTTP trigger');
    say(`  The alarm: ${describeCallback(alarm)}`);
    say(
      `  POST ${trigger.urls.alarm}?token=… (the callback URL's token), Content-Type application/x-www-form-urlencoded:`,
    );
    say(`    ${callbackBody(alarm).slice(0, 110)}…`);
    sae.clearCalls();
    const first = await post(callbackUrl);
    const firstCalls = sae.calls.map((c) => `${c.action} → HTTP ${c.status}${c.code ? ` ${c.code}` : ''}`);
    const firstAborts = sae.callsTo('AbortAndRollbackChangeOrder').length;
    const firstBody = JSON.parse(first.body) as {
      outcomes: Array<{
        outcome: string;
        summary: string;
        changeOrderId?: string;
        alarm?: { source: string };
      }>;
    };
    say(`  Resolved app ${APP_ID} → change order ${firstBody.outcomes[0]?.changeOrderId ?? '(none)'}.`);
    say('  SAE calls made (signed with ACS3-HMAC-SHA256, verified by the emulator):');
    for (const c of firstCalls) say(`    - ${c}`);
    say(`  Outcome: ${firstBody.outcomes[0]?.outcome} — ${firstBody.outcomes[0]?.summary}`);
    say(`  HTTP answer to CloudMonitor: ${first.statusCode}`);
    const co = sae.getChangeOrder(changeOrderId);
    say(
      `  SAE now: change order status ${co?.status} (1: still terminating — SAE is rolling the batches back).`,
    );

    const messages = mns.messages(TOPIC);
    say(`  Published to MNS topic "${TOPIC}": ${messages.length} message(s).`);
    const published = messages[0]
      ? (JSON.parse(messages[0].body) as { outcome: string; summary: string; messageId: string })
      : undefined;
    if (published)
      say(`    tag=${messages[0]?.tag} messageId=${published.messageId}\n    "${published.summary}"`);

    const ding = dingtalk.messages();
    say(`  DingTalk robot: ${ding.length} signed markdown message(s): "${ding[0]?.title ?? ''}"`);
    const hooks = webhook.deliveries();
    say(
      `  Webhook: ${hooks.length} delivery(ies), HMAC-SHA256 verified, message ID ${hooks[0]?.headers.messageId ?? '-'}`,
    );
    const busEvents = eventbridge.events(BUS);
    say(
      `  EventBridge: ${busEvents.length} event on bus ${BUS}, routed to RocketMQ sink ` +
        `(type ${busEvents[0]?.event.type ?? '-'}, id ${busEvents[0]?.event.id ?? '-'}; consumer got: ${consumed.join(', ') || 'nothing'})`,
    );

    step(3, 'CloudMonitor retries the same callback (it does, up to 3 times)');
    sae.clearCalls();
    const second = await post(callbackUrl);
    const secondBody = JSON.parse(second.body) as { outcomes: Array<{ outcome: string; summary: string }> };
    say(`  Outcome: ${secondBody.outcomes[0]?.outcome} — ${secondBody.outcomes[0]?.summary}`);
    say(`  SAE calls this time: ${sae.calls.map((c) => c.action).join(', ') || 'none'} (no abort).`);
    say(
      `  MNS messages in total: ${mns.messages(TOPIC).length} (a \`duplicate\` is logged, not re-published).`,
    );
    say(
      `  DingTalk messages: ${dingtalk.messages().length}, webhook deliveries: ${webhook.deliveries().length}, ` +
        `EventBridge events: ${eventbridge.events(BUS).length}, RocketMQ messages: ${consumed.length}.`,
    );

    const aborts = firstAborts + sae.callsTo('AbortAndRollbackChangeOrder').length;

    step(4, "The guard's timer ticks follow the rollback to its end");
    // The same module the HTTP trigger serves (one runtime, one store): its timer ticks run the guard.
    const handler = await loadHandler('alarm');
    const tick = async () => {
      sae.clearCalls();
      const r = (await handler(
        Buffer.from(JSON.stringify(TIMER_EVENT)),
        fakeFcContext({ credentials: STS }),
      )) as {
        guard?: Array<{
          report?: { followUps?: { checked: number; published: Array<{ outcome: string }> } };
        }>;
      };
      return r.guard?.[0]?.report?.followUps;
    };
    await sleep(1_100);
    const early = await tick();
    say(
      `  Tick 1: ${early?.checked ?? 0} DescribeChangeOrder → status ${sae.getChangeOrder(changeOrderId)?.status}, not final yet; next look later (backing off).`,
    );
    await sleep(2_200);
    const late = await tick();
    const followUp = mns
      .messages(TOPIC)
      .map(
        (m) =>
          JSON.parse(m.body) as {
            outcome: string;
            summary: string;
            messageId: string;
            follows?: { messageId: string };
            timeline?: { timeToAbortMs: number; timeToRecoverMs?: number };
          },
      )
      .find((o) => o.follows);
    say(
      `  Tick 2: ${late?.checked ?? 0} DescribeChangeOrder → status ${sae.getChangeOrder(changeOrderId)?.status} (6 = terminated, rolled back).`,
    );
    say(`  Follow-up published: ${followUp?.outcome} — ${followUp?.summary}`);
    say(
      `    follows messageId=${followUp?.follows?.messageId}; time to abort ${followUp?.timeline?.timeToAbortMs} ms, to recover ${followUp?.timeline?.timeToRecoverMs} ms`,
    );
    const app = sae.getApp(APP_ID);
    say(`  App back on ${app?.currentVersion}. MNS messages in total: ${mns.messages(TOPIC).length}.`);
    const third = await tick();
    say(
      `  Tick 3: ${third?.checked ?? 0} SAE calls, ${third?.published.length ?? 0} published — followed once, done.`,
    );

    step(5, 'Someone without the callback token posts an alarm');
    sae.clearCalls();
    const forged = await post(`${trigger.urls.alarm}?token=guessed`);
    say(
      `  HTTP answer: ${forged.statusCode}; SAE calls: ${sae.calls.length}; nothing parsed, nothing published.`,
    );

    const source = published
      ? (JSON.parse(messages[0]?.body ?? '{}') as { alarm?: { source?: string } }).alarm?.source
      : undefined;
    const checks: Array<[string, boolean]> = [
      ['first outcome `aborted`', firstBody.outcomes[0]?.outcome === 'aborted'],
      [
        'the outcome came from the CloudMonitor callback (alarm.source cloudmonitor)',
        source === 'cloudmonitor',
      ],
      ['second outcome `duplicate`', secondBody.outcomes[0]?.outcome === 'duplicate'],
      ['exactly one AbortAndRollbackChangeOrder', aborts === 1],
      ['the follow-up `recovered`', followUp?.outcome === 'recovered'],
      // The abort's outcome and its one follow-up, on every channel.
      ['two MNS messages (the outcome, its follow-up)', mns.messages(TOPIC).length === 2],
      ['two DingTalk messages', dingtalk.messages().length === 2],
      ['two webhook deliveries', webhook.deliveries().length === 2],
      [
        'two EventBridge events, two RocketMQ messages',
        eventbridge.events(BUS).length === 2 && consumed.length === 2,
      ],
      ['app back on v42', app?.currentVersion === 'v42'],
      [
        'the caller without the token refused with 401 and no SAE call',
        forged.statusCode === 401 && sae.calls.length === 0,
      ],
    ];
    const failed = checks.filter(([, pass]) => !pass).map(([what]) => what);
    const ok = failed.length === 0;
    step(
      6,
      ok
        ? 'Done: one `aborted` and its `recovered` follow-up (each published once on every channel), one `duplicate` (not re-published), one refused caller (401).'
        : `UNEXPECTED RESULT — not as expected: ${failed.join('; ')}.`,
    );
    return ok ? 0 : 1;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
    await Promise.all([sae.close(), mns.close(), dingtalk.close(), webhook.close(), eventbridge.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
