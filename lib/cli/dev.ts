import { readFile, rm, writeFile } from 'node:fs/promises';
import { ConfigError } from '../config.js';
import { DEV_APP_ID, startDevEmulators } from '../dev/emulators.js';
import { type DevEmulators, devEmulatorsSchema } from '../dev/emulators-file.js';
import { DEFAULT_DEV_ENV_FILE, type DevEnvExtras, devEnvFile } from '../dev/env-file.js';
import { appIdSchema } from '../ids.js';
import { parseCommandArgs, usageError } from './args.js';
import { type Command, EXIT, type Io } from './command.js';
import { serveFunctions } from './dev-functions.js';
import { fileErrorText } from './settings.js';

const help = `Usage: sae-rollback dev [options]
       sae-rollback dev --emulators-only [--port <n>] [--app <appId>] > emulators.json
       sae-rollback dev --functions-only --emulators emulators.json [--port <n>] [--json]

Everything on this machine, no cloud account: starts the SAE, MNS, DingTalk, webhook and CloudMonitor
emulators, seeds a demo app ("checkout") with a running change order (the guard watches it), and serves
every function over HTTP the way FC does, so curl works against them:

  /alarm      HTTP trigger: the request becomes the FC 3.0 HTTP-trigger event; the handler's
              {statusCode, headers, body} is the response (send it a CloudMonitor callback)
  /consumer   event function (so is /guard, the scheduled guard): the request body is the event (an MNS/EventBridge/SAE event, a direct
              {"ChangeOrderId": …}); the result comes back as JSON, a thrown error as FC reports it
              (200 with X-Fc-Error-Type)

The functions run in this process with the emulators' endpoints and credentials in their environment.
It prints the URLs and a sample curl, then logs each request until Ctrl-C.

Split in two, N function processes share one set of emulators (and, with IDEMPOTENCY_STORE=redis and
REDIS_URL, one Redis), as N FC instances do:
  --emulators-only  only the emulators, seeded as above; always prints one JSON line on stdout
                    (endpoints, the STS credentials they accept, the notifier secrets, the app and its
                    change order, and alarmToken) — save it to a file; their /__admin/ routes stay open
  --functions-only  only the functions, configured against the emulators in --emulators <file>; the
                    store and everything else as the environment says. The alarm function takes the
                    file's alarmToken (x-sae-rollback-token or ?token=) unless ALARM_AUTH_TOKENS,
                    ALARM_HMAC_SECRETS or ALARM_AUTH_REQUIRED is set, which then decide

Options:
  --port <n>     the functions' port (default 9000); the emulators take the next five (SAE n+1,
                 MNS n+2, DingTalk n+3, webhook n+4, CloudMonitor n+5); 0 puts everything on free ports
  --app <appId>  the demo app (default ${DEV_APP_ID}, the app of
                 test/fixtures/events/cloudmonitor-form.json); not with --functions-only (the file says)
  --json         print the URLs and IDs as one JSON line instead of the banner (for scripts)
  --env-out <path>  where to write the shell file that points status, abort and invoke here
                 (default ./${DEFAULT_DEV_ENV_FILE}; "." it in another shell; removed on stop);
                 not with --functions-only
  --no-env-out   write none
  --emulators-only, --functions-only, --emulators <file>   see above
  -h, --help     this text

Exit status: 0 stopped by Ctrl-C/SIGTERM; 64 wrong arguments; 66 the --emulators file cannot be read
             or is not what --emulators-only printed; 69 a port is taken;
             78 invalid configuration in the environment.`;

const OPTIONS = {
  port: { type: 'string' },
  app: { type: 'string' },
  json: { type: 'boolean' },
  'emulators-only': { type: 'boolean' },
  'functions-only': { type: 'boolean' },
  emulators: { type: 'string' },
  'env-out': { type: 'string' },
  'no-env-out': { type: 'boolean' },
} as const;

export const devCommand: Command = {
  name: 'dev',
  summary: 'run the emulators and serve every function over HTTP like FC (curl-able), with a demo app',
  help,
  async run(args: string[], io: Io): Promise<number> {
    const p = parseCommandArgs('dev', args, OPTIONS, io, help);
    if (!p.ok) return p.code;
    const v = p.values;
    const bad = (m: string) => usageError('dev', io, m).code;
    if (p.positionals.length > 0) return bad('takes no arguments');
    if (v['emulators-only'] && v['functions-only'])
      return bad('--emulators-only and --functions-only exclude each other (run two processes)');
    if (v['functions-only'] && v.emulators === undefined)
      return bad('--functions-only needs --emulators <file> (what --emulators-only printed)');
    if (v.emulators !== undefined && !v['functions-only'])
      return bad('--emulators goes with --functions-only');
    if (v['functions-only'] && v.app !== undefined)
      return bad('--app is the --emulators file’s with --functions-only');
    if (v['functions-only'] && v['env-out'] !== undefined)
      return bad('--env-out is for dev and --emulators-only (the emulators file is yours already)');
    const envFile =
      v['no-env-out'] || v['functions-only'] ? undefined : (v['env-out'] ?? DEFAULT_DEV_ENV_FILE);
    const port = Number(v.port ?? '9000');
    if (!Number.isInteger(port) || port < 0 || port > 65_530) return bad('--port must be 0–65530');
    const app = appIdSchema.safeParse(v.app ?? DEV_APP_ID);
    if (!app.success) return bad(app.error.issues[0]?.message ?? 'invalid app ID');

    const closers: Array<() => Promise<void>> = [];
    try {
      if (v['emulators-only']) {
        const emu = await startDevEmulators({ port, appId: app.data });
        closers.push(emu.close);
        if (envFile) closers.unshift(await writeEnvFile(envFile, emu.info, {}, io));
        // Always JSON: this mode's output is meant to be saved and read back by --functions-only.
        io.stdout(`${JSON.stringify(emu.info)}\n`);
        io.stderr(
          'sae-rollback dev: emulators only (Ctrl-C stops); save the JSON line on stdout to a file and run\n' +
            '  sae-rollback dev --functions-only --emulators <file>\n',
        );
      } else if (v['functions-only']) {
        const file = v.emulators ?? '';
        const emulators = await readEmulatorsFile(file, io);
        if (typeof emulators === 'number') return emulators;
        closers.push((await serveFunctions(emulators, { port, json: v.json === true, file }, io)).close);
      } else {
        const emu = await startDevEmulators({ port, appId: app.data });
        closers.push(emu.close);
        const served = await serveFunctions(emu.info, { port, json: v.json === true }, io);
        closers.unshift(served.close);
        const extras = { ...(served.token ? { alarmToken: served.token } : {}), functions: served.urls };
        if (envFile) closers.unshift(await writeEnvFile(envFile, emu.info, extras, io));
      }
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

/** The `--emulators` file, parsed; or the exit code after saying what is wrong with it. */
async function readEmulatorsFile(path: string, io: Io) {
  let json: unknown;
  let text: string;
  try {
    text = (await io.readFile(path)).toString('utf8');
  } catch (err) {
    io.stderr(`sae-rollback dev: --emulators ${path}: cannot read it: ${fileErrorText(err)}\n`);
    return EXIT.noInput;
  }
  try {
    json = JSON.parse(text);
  } catch (err) {
    io.stderr(`sae-rollback dev: --emulators ${path}: not JSON: ${(err as Error).message}\n`);
    return EXIT.noInput;
  }
  const parsed = devEmulatorsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  io.stderr(
    `sae-rollback dev: --emulators ${path} is not what --emulators-only prints: ${issue?.path.join('.') || '(top)'}: ${issue?.message}\n`,
  );
  return EXIT.noInput;
}

/** Writes the env file and says how to use it; returns what removes it (unless another dev replaced it). */
async function writeEnvFile(path: string, e: DevEmulators, x: DevEnvExtras, io: Io) {
  const text = devEnvFile(e, x);
  await writeFile(path, text, { mode: 0o600 });
  io.stderr(
    `sae-rollback dev: wrote ${path}; in another shell ". ${path.includes('/') ? path : `./${path}`}" points status, abort and invoke here\n`,
  );
  return async () => {
    if ((await readFile(path, 'utf8').catch(() => '')) === text) await rm(path, { force: true });
  };
}
