import { alertKeysEnvSchema, alertKeysFrom } from '../events/alert-keys.js';
import { parseEvent } from '../events/index.js';
import { type Command, EXIT, type Io } from './command.js';
import { envOf, fileErrorText } from './settings.js';

const help = `Usage: sae-rollback extract <file|->

Reads <file> (or stdin for "-") as the raw event bytes Function Compute would hand the function —
for an HTTP-trigger source, the FC 3.0 HTTP event JSON — and prints what the function makes of it:
a JSON array with one object per request:

  source         the format that named the target (cloudmonitor, alertmanager, sae-event, direct, timer, …)
  changeOrderId  the change order to roll back, or null
  appId          the app whose running change order would be rolled back, or null
  actionable     true when the function would act on it
  reason         why it is (or is not) actionable
  disposition    act | reject (reported) | ignore (logged) | guard (timer tick)
  alarm, dedupeKey, receivedAt, via, path

Nothing is sent anywhere; no credentials are needed. ALERT_APP_ID_KEYS / ALERT_CHANGE_ORDER_ID_KEYS are
read as the functions read them (the label names of the IDs in Alertmanager / ARMS alerts).

Exit status: 0 the event was understood (even if nothing in it is actionable);
             2 it was not (the reason is printed on stderr, one line);
             64 wrong arguments; 66 the file cannot be read; 78 invalid ALERT_*_KEYS.`;

export const extractCommand: Command = {
  name: 'extract',
  summary: 'show the rollback requests the function would extract from an event file',
  help,
  async run(args: string[], io: Io): Promise<number> {
    if (args.includes('-h') || args.includes('--help')) {
      io.stdout(`${help}\n`);
      return EXIT.ok;
    }
    const files = args.filter((a) => a === '-' || !a.startsWith('-'));
    const unknown = args.filter((a) => a !== '-' && a.startsWith('-'));
    if (unknown.length > 0 || files.length !== 1) {
      io.stderr(
        `sae-rollback extract: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'expected exactly one file'}; see --help\n`,
      );
      return EXIT.usage;
    }
    const file = files[0] ?? '-';
    let bytes: Buffer;
    try {
      bytes = file === '-' ? await io.readStdin() : await io.readFile(file);
    } catch (err) {
      io.stderr(`sae-rollback extract: cannot read ${file}: ${fileErrorText(err)}\n`);
      return EXIT.noInput;
    }
    const { ALERT_APP_ID_KEYS, ALERT_CHANGE_ORDER_ID_KEYS } = envOf(io);
    const keys = alertKeysEnvSchema.safeParse({
      ...(ALERT_APP_ID_KEYS ? { ALERT_APP_ID_KEYS } : {}),
      ...(ALERT_CHANGE_ORDER_ID_KEYS ? { ALERT_CHANGE_ORDER_ID_KEYS } : {}),
    });
    if (!keys.success) {
      const names = [...new Set(keys.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`))];
      io.stderr(`sae-rollback extract: invalid ${names.join('; ')}\n`);
      return EXIT.config;
    }
    const parsed = parseEvent(bytes, io.now(), { alertKeys: alertKeysFrom(keys.data) });
    io.stdout(`${JSON.stringify(parsed.records, null, 2)}\n`);
    if (parsed.understood) return EXIT.ok;
    const reasons = [...new Set(parsed.records.map((r) => r.reason))];
    const line = reasons.length === 1 ? reasons[0] : `${reasons.length} problems; first: ${reasons[0]}`;
    io.stderr(`not understood: ${(line ?? '').replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT.notUnderstood;
  },
};
