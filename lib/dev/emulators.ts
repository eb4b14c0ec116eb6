/**
 * The emulators of `sae-rollback dev` (SAE, MNS, DingTalk, webhook, CloudMonitor), started and seeded
 * the same way whether the functions run in this process or in others (`--emulators-only`): what
 * they are reachable at and which credentials they accept is one {@link DevEmulators} value, the JSON
 * `--emulators-only` prints and `--functions-only --emulators <file>` reads back.
 */
import { randomBytes } from 'node:crypto';
import { startCmsEmulator } from '../../emulators/cms/index.js';
import { startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { type MnsEmulator, startMnsEmulator } from '../../emulators/mns/index.js';
import { type SaeEmulator, startSaeEmulator } from '../../emulators/sae/index.js';
import { startWebhookEmulator } from '../../emulators/webhook/index.js';
import type { DevEmulators } from './emulators-file.js';

/** The app in test/fixtures/events/cloudmonitor-form.json, so that fixture's body works as is. */
export const DEV_APP_ID = '0099b7be-5f5b-4512-a7fc-56049ef10001';
/** Not secrets: the emulators accept them and nothing else does. */
const DEV_STS = {
  accessKeyId: 'STS.devAccessKeyId',
  accessKeySecret: 'dev-secret-not-real',
  securityToken: 'dev-sts-token-not-real',
};
const TOPIC = 'sae-rollback-outcomes';
const ROBOT = { accessToken: 'dev-robot-token', secret: 'SECdev-robot-secret-not-real' };
const WEBHOOK_SECRET = 'dev-webhook-secret-not-real';

export interface StartDevEmulatorsOptions {
  /** SAE on `port + 1` … CloudMonitor on `port + 5` (the functions' port is `port`); 0: free ports. */
  port: number;
  appId: string;
}

export interface RunningDevEmulators {
  info: DevEmulators;
  /** The SAE and MNS emulators themselves, for in-process harnesses (faults, call logs, messages). */
  sae: SaeEmulator;
  mns: MnsEmulator;
  /** Stops every emulator (never throws). */
  close(): Promise<void>;
}

/**
 * Starts the five emulators and seeds app "checkout" deploying v43 in a running change order. An
 * error (a port taken) closes what was started and is rethrown.
 */
export async function startDevEmulators(opts: StartDevEmulatorsOptions): Promise<RunningDevEmulators> {
  const at = (i: number) => (opts.port === 0 ? 0 : opts.port + i);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers) await c().catch(() => undefined);
  };
  try {
    const sae = await startSaeEmulator({ port: at(1), credentials: [DEV_STS] });
    closers.push(() => sae.close());
    const mns = await startMnsEmulator({ port: at(2), credentials: [DEV_STS], topics: [TOPIC] });
    closers.push(() => mns.close());
    const dingtalk = await startDingTalkEmulator({ port: at(3), robots: [ROBOT] });
    closers.push(() => dingtalk.close());
    const webhook = await startWebhookEmulator({ port: at(4), secrets: [WEBHOOK_SECRET] });
    closers.push(() => webhook.close());
    const cms = await startCmsEmulator({ port: at(5), credentials: [DEV_STS] });
    closers.push(() => cms.close());

    sae.seedApp({ appId: opts.appId, appName: 'checkout', versions: ['v41', 'v42'], history: true });
    const changeOrderId = sae.startChangeOrder({
      appId: opts.appId,
      toVersion: 'v43',
      status: 1,
      subStatus: 1,
      batchCount: 3,
      description: 'deploy v43 (sae-rollback dev)',
    });
    const info: DevEmulators = {
      emulators: { sae: sae.url, mns: mns.url, dingtalk: dingtalk.url, webhook: webhook.url, cms: cms.url },
      credentials: DEV_STS,
      regionId: 'cn-hangzhou',
      mns: { topic: TOPIC },
      dingtalk: { sendUrl: dingtalk.sendUrl, ...ROBOT },
      webhook: { url: `${webhook.url}/hooks/sae-rollback`, secret: WEBHOOK_SECRET },
      // One token for every function process of this run, as every FC instance shares one environment.
      alarmToken: `dev-${randomBytes(12).toString('hex')}`,
      appId: opts.appId,
      changeOrderId,
    };
    return { info, close, sae, mns };
  } catch (err) {
    await close();
    throw err;
  }
}
