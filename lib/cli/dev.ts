import { randomBytes } from 'node:crypto';
import { startCmsEmulator } from '../../emulators/cms/index.js';
import { startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { startMnsEmulator } from '../../emulators/mns/index.js';
import { startSaeEmulator } from '../../emulators/sae/index.js';
import { startWebhookEmulator } from '../../emulators/webhook/index.js';
import { ConfigError } from '../config.js';
import { HTTP_FUNCTIONS, listFunctions, loadHandler } from '../dev/functions.js';
import { type DevFunction, startDevServer } from '../dev/server.js';
import { appIdSchema } from '../ids.js';
import { parseCommandArgs, usageError } from './args.js';
import { type Command, EXIT, type Io } from './command.js';

/** The app in test/fixtures/events/cloudmonitor-form.json, so that fixture's body works as is. */
export const DEV_APP_ID = '0099b7be-5f5b-4512-a7fc-56049ef10001';
const DEV_STS = {
  accessKeyId: 'STS.devAccessKeyId',
  accessKeySecret: 'dev-secret-not-real',
  securityToken: 'dev-sts-token-not-real',
};
const TOPIC = 'sae-rollback-outcomes';
const ROBOT = { accessToken: 'dev-robot-token', secret: 'SECdev-robot-secret-not-real' };
const WEBHOOK_SECRET = 'dev-webhook-secret-not-real';

const help = `Usage: sae-rollback dev [options]

Everything on this machine, no cloud account: starts the SAE, MNS, DingTalk, webhook and CloudMonitor
emulators, seeds a demo app ("checkout") with a running change order (the guard watches it), and serves
every function over HTTP the way FC does, so curl works against them:

  /alarm      HTTP trigger: the request becomes the FC 3.0 HTTP-trigger event; the handler's
              {statusCode, headers, body} is the response (send it a CloudMonitor callback)
  /consumer   event function (so is /guard, the scheduled guard): the request body is the event (an MNS/EventBridge/SAE event, a direct
              {"ChangeOrderId": …}); the result comes back as JSON, a thrown error as FC reports it
              (200 with X-Fc-Error-Type)

The functions run in this process with the emulators' endpoints and credentials in their environment.
Like a deployment, /alarm wants a credential: unless ALARM_AUTH_TOKENS, ALARM_HMAC_SECRETS or
ALARM_AUTH_REQUIRED is set, a fresh token is generated (shown in the sample curl as ?token=…).
It prints the URLs and a sample curl, then logs each request until Ctrl-C.

Options:
  --port <n>     the functions' port (default 9000); the emulators take the next five (SAE n+1,
                 MNS n+2, DingTalk n+3, webhook n+4, CloudMonitor n+5); 0 puts everything on free ports
  --app <appId>  the demo app (default ${DEV_APP_ID}, the app of
                 test/fixtures/events/cloudmonitor-form.json)
  --json         print the URLs and IDs as one JSON line instead of the banner (for scripts)
  -h, --help     this text

Exit status: 0 stopped by Ctrl-C/SIGTERM; 64 wrong arguments; 69 a port is taken;
             78 invalid configuration in the environment.`;

export const devCommand: Command = {
  name: 'dev',
  summary: 'run the emulators and serve every function over HTTP like FC (curl-able), with a demo app',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const p = parseCommandArgs(
      'dev',
      args,
      { port: { type: 'string' }, app: { type: 'string' }, json: { type: 'boolean' } },
      io,
      help,
    );
    if (!p.ok) return p.code;
    if (p.positionals.length > 0) return usageError('dev', io, 'takes no arguments').code;
    const port = Number(p.values.port ?? '9000');
    if (!Number.isInteger(port) || port < 0 || port > 65_530)
      return usageError('dev', io, '--port must be 0–65530').code;
    const app = appIdSchema.safeParse(p.values.app ?? DEV_APP_ID);
    if (!app.success) return usageError('dev', io, app.error.issues[0]?.message ?? 'invalid app ID').code;
    const at = (i: number) => (port === 0 ? 0 : port + i);

    const closers: Array<() => Promise<void>> = [];
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

      sae.seedApp({ appId: app.data, appName: 'checkout', versions: ['v41', 'v42'] });
      const changeOrderId = sae.startChangeOrder({
        appId: app.data,
        toVersion: 'v43',
        status: 1,
        subStatus: 1,
        batchCount: 3,
        description: 'deploy v43 (sae-rollback dev)',
      });

      const alarmToken = devAlarmToken();
      // The functions read their configuration at import, as on an FC cold start.
      Object.assign(process.env, {
        SAE_REGION: 'cn-hangzhou',
        SAE_ENDPOINT: sae.endpoint,
        SAE_PROTOCOL: 'http',
        MNS_ENDPOINT: mns.url,
        MNS_TOPIC: TOPIC,
        DINGTALK_ENDPOINT: dingtalk.sendUrl,
        DINGTALK_ACCESS_TOKEN: ROBOT.accessToken,
        DINGTALK_SECRET: ROBOT.secret,
        WEBHOOK_URL: `${webhook.url}/hooks/sae-rollback`,
        WEBHOOK_SECRET,
        CMS_ENDPOINT: cms.endpoint,
        CMS_PROTOCOL: 'http',
        WATCH_APP_IDS: process.env.WATCH_APP_IDS ?? app.data,
        IDEMPOTENCY_STORE: process.env.IDEMPOTENCY_STORE ?? 'memory',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        ...(alarmToken.generated ? { ALARM_AUTH_TOKENS: alarmToken.token } : {}),
      });
      const functions: DevFunction[] = [];
      for (const name of listFunctions()) {
        functions.push({
          name,
          functionName: `sae-rollback-${name}`,
          kind: HTTP_FUNCTIONS.has(name) ? 'http' : 'event',
          handler: await loadHandler(name),
        });
      }
      const server = await startDevServer({
        functions,
        port: at(0),
        credentials: DEV_STS,
        onRequest: (r) =>
          io.stderr(
            `${r.method} ${r.path} → ${r.status}${r.errorType ? ` (${r.errorType})` : ''} ${r.ms} ms\n`,
          ),
      });
      closers.unshift(() => server.close());

      const info = {
        functions: server.urls,
        emulators: { sae: sae.url, mns: mns.url, dingtalk: dingtalk.url, webhook: webhook.url, cms: cms.url },
        appId: app.data,
        changeOrderId,
        alarmToken: alarmToken.token,
      };
      io.stdout(p.values.json ? `${JSON.stringify(info)}\n` : banner(info));
      await (io.untilStopped ?? (() => new Promise<void>(() => undefined)))();
      io.stderr('sae-rollback dev: stopping\n');
      return EXIT.ok;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr(`sae-rollback dev: ${err.message}\n`);
        return EXIT.config;
      }
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        io.stderr(`sae-rollback dev: ${(err as Error).message}; choose another --port (or 0)\n`);
        return EXIT.unavailable;
      }
      throw err;
    } finally {
      for (const close of closers) await close().catch(() => undefined);
    }
  },
};

/**
 * The token for the sample curl: the first of ALARM_AUTH_TOKENS when the caller configured auth, else a
 * fresh one the dev server sets (so `sae-rollback dev` works out of the box and stays closed to others).
 */
function devAlarmToken(): { token: string; generated: boolean } {
  const configured = ['ALARM_AUTH_TOKENS', 'ALARM_HMAC_SECRETS', 'ALARM_AUTH_REQUIRED'].some(
    (k) => process.env[k],
  );
  const first = process.env.ALARM_AUTH_TOKENS?.split(',')[0]?.trim() ?? '';
  if (configured) return { token: first, generated: false };
  return { token: `dev-${randomBytes(12).toString('hex')}`, generated: true };
}

function banner(info: {
  functions: Readonly<Record<string, string>>;
  emulators: Record<string, string>;
  appId: string;
  changeOrderId: string;
  alarmToken: string;
}): string {
  const alarm = `${info.functions.alarm ?? ''}${info.alarmToken ? `?token=${info.alarmToken}` : ''}`;
  const form = [
    'alertName=checkout%205xx%20ratio',
    'alertState=ALERT',
    'namespace=acs_serverless',
    'metricName=http_status_5xx_ratio',
    'triggerLevel=CRITICAL',
    'curValue=7.5',
    `dimensions=%7BappId%3D${info.appId}%7D`,
    `timestamp=${Math.floor(Date.now() / 1000)}`,
  ].join('&');
  return [
    'sae-rollback dev — functions served like FC, emulators on 127.0.0.1 (Ctrl-C stops)',
    '',
    'Functions:',
    ...Object.entries(info.functions).map(([n, u]) => `  ${n.padEnd(10)} ${u}`),
    'Emulators:',
    ...Object.entries(info.emulators).map(([n, u]) => `  ${n.padEnd(10)} ${u}`),
    '',
    `Demo app "checkout" ${info.appId} is deploying v43 in change order ${info.changeOrderId}.`,
    '',
    'Send a CloudMonitor alarm callback (aborts that change order):',
    `  curl -sS -X POST '${alarm}' -H 'Content-Type: application/x-www-form-urlencoded' --data '${form}'`,
    'or a direct request to the consumer:',
    `  curl -sS -X POST '${info.functions.consumer ?? ''}' --data '{"ChangeOrderId":"${info.changeOrderId}"}'`,
    `See the change order: curl -sS '${info.emulators.sae}/__admin/state'`,
    `and the published outcomes: curl -sS '${info.emulators.mns}/__admin/messages'`,
    '',
  ].join('\n');
}
