import { randomUUID } from 'node:crypto';
import { MemoryStore } from '../idempotency/memory-store.js';
import { appIdSchema, changeOrderIdSchema } from '../ids.js';
import type { OutcomeKind } from '../rollback/outcome.js';
import { processRequest } from '../rollback/process.js';
import { CHANGE_TYPES } from '../rollback/release-rules.js';
import type { RollbackRequest } from '../rollback/types.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { ChangeOrderStatus } from '../sae/types.js';
import { commandWithOptions, usageError } from './args.js';
import { type Command, EXIT } from './command.js';
import { cliCredentials } from './credentials.js';
import { readOnlyDryRun } from './dry-run.js';
import { cliConfig, stderrLogger } from './settings.js';

const help = `Usage: sae-rollback abort <changeOrderId> [options]
       sae-rollback abort --app <appId> [options]

Aborts a running SAE change order and rolls it back (AbortAndRollbackChangeOrder) through the same core
the functions run: the idempotency store (IDEMPOTENCY_STORE=redis shares it with the deployed functions,
so a rollback they already did is not repeated), the SAE call budget, the safety valves and policy, and
every notification channel configured (MNS topic, DingTalk, webhook, EventBridge).

Options:
  --app <appId>     roll back whatever change order is running on this app
  --dry-run         read only: describe the app and change order and say what would be done; no abort,
                    nothing stored, nothing published
  --reason <text>   the alarm name recorded in the outcome (default "sae-rollback abort (operator)")
  --allow-type <t>  also abort a change order of this SAE CoTypeCode (repeatable; e.g. CoScaleOut,
                    CoRollback): an operator's deliberate choice beyond ABORT_CHANGE_TYPES
  --json            print the whole outcome as JSON instead of one summary line
  -h, --help        this text

Configuration: the functions' environment variables (SAE_REGION, SAE_ENDPOINT, MNS_ENDPOINT or
MNS_ACCOUNT_ID, …; README "Configuration"). Credentials: the @alicloud/credentials default chain
(ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET[/_SECURITY_TOKEN], an aliyun CLI profile, an ECS RAM role, …).

Exit status: 0 aborted, or rolled back (bake window), or already terminated (an earlier abort)
               (with --dry-run: would abort; or a duplicate of an earlier abort);
             1 refused for good (not found, forbidden, invalid input);
             3 nothing to abort (already finished, no running change order, not a release, suppressed,
               refused by policy);
             64 wrong arguments; 75 temporary failure (throttled, network, a channel failed): run again;
             78 invalid configuration.`;

const NOTHING: ReadonlySet<OutcomeKind> = new Set([
  'already-finished',
  'no-running-change-order',
  'suppressed',
  'refused',
  'awaiting-approval',
]);

/** The operator's ask was done: aborted, rolled back (RollbackApplication), or done before. */
const DONE: ReadonlySet<OutcomeKind> = new Set([
  'aborted',
  'rolled-back-application',
  'dry-run',
  'duplicate',
]);

/** The exit code for an outcome (see the help text). */
export function exitCodeFor(outcome: OutcomeKind, retry: boolean, changeOrderStatus?: number): number {
  if (retry || outcome === 'failed-retryable') return EXIT.tempFail;
  if (DONE.has(outcome)) return EXIT.ok;
  // Aborted already (by an earlier run, the functions or a person): what the operator asked for holds.
  if (outcome === 'already-finished' && changeOrderStatus === ChangeOrderStatus.Terminated) return EXIT.ok;
  return NOTHING.has(outcome) ? EXIT.nothingToDo : EXIT.failed;
}

export const abortCommand: Command = commandWithOptions({
  name: 'abort',
  summary: 'abort and roll back a change order (or the one running on an app), like the functions do',
  help,
  options: {
    app: { type: 'string' },
    'dry-run': { type: 'boolean' },
    reason: { type: 'string' },
    'allow-type': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run(p, io) {
    const { app, reason, json } = p.values;
    const dryRun = p.values['dry-run'] === true;
    if ((app === undefined) === (p.positionals.length === 0) || p.positionals.length > 1) {
      return usageError('abort', io, 'give exactly one of <changeOrderId> or --app <appId>').code;
    }
    const id = app ?? p.positionals[0] ?? '';
    const checked = (app !== undefined ? appIdSchema : changeOrderIdSchema).safeParse(id);
    if (!checked.success)
      return usageError('abort', io, checked.error.issues[0]?.message ?? 'invalid ID').code;

    const allowTypes = (p.values['allow-type'] ?? []).flatMap((t) => t.split(',')).map((t) => t.trim());
    const unknown = allowTypes.find((t) => !(CHANGE_TYPES as readonly string[]).includes(t));
    if (unknown !== undefined)
      return usageError(
        'abort',
        io,
        `--allow-type ${unknown}: not an SAE CoTypeCode; known: ${CHANGE_TYPES.join(', ')}`,
      ).code;

    const loaded = cliConfig('abort', io, dryRun ? { DRY_RUN: 'true' } : {});
    if (!loaded.ok) return loaded.code;
    const creds = await cliCredentials('abort', io);
    if (!creds.ok) return creds.code;
    const rt = createRuntime(loaded.config, {
      logger: stderrLogger(io, loaded.config.logLevel),
      fallbackCredentials: creds.source,
      // A dry run records nothing where the functions (or a later real abort) would find it.
      ...(dryRun ? { store: new MemoryStore() } : {}),
    });
    try {
      const target = app !== undefined ? { appId: id } : { changeOrderId: id };
      if (dryRun && !coreDryRun(rt))
        return await readOnlyDryRun(rt.sae, target, io, json === true, {
          rules: rt.config.rules,
          allowTypes,
        });
      const request: RollbackRequest = {
        ...target,
        ...(allowTypes.length > 0 ? { allowTypes } : {}),
        alarm: { source: 'cli', name: reason ?? 'sae-rollback abort (operator)' },
        receivedAt: io.now(),
      };
      // A dry run tells the operator, on stdout, and no one else: no channel gets a message.
      const notifiers = dryRun ? [] : rt.notifiers;
      const result = await processRequest(
        { ...rt, notifiers, notifyDuplicates: rt.config.notifyDuplicates },
        request,
        {
          fcRequestId: `cli-${randomUUID()}`,
        },
      );
      const { outcome } = result;
      if (json) io.stdout(`${JSON.stringify({ ...outcome, publications: result.publications }, null, 2)}\n`);
      else io.stdout(`${outcome.outcome}: ${outcome.summary}\n`);
      for (const pub of result.publications.filter((x) => !x.ok))
        io.stderr(
          `sae-rollback abort: publishing on ${pub.channel} failed: ${pub.error ?? 'unknown error'}\n`,
        );
      return exitCodeFor(outcome.outcome, result.retry, outcome.changeOrderStatus);
    } finally {
      await Promise.allSettled([rt.store.close?.(), rt.budget.close?.()]);
    }
  },
});

/**
 * True when the runtime's policy runs the core in dry-run mode (DRY_RUN=true): every read, no mutating
 * call, outcome `dry-run`. As a second lock, the runtime's SAE client then refuses to abort at all.
 */
function coreDryRun(rt: Runtime): boolean {
  const policy = (rt as Runtime & { policy?: { dryRun?: unknown } }).policy;
  if (policy?.dryRun !== true) return false;
  rt.sae.abortAndRollbackChangeOrder = () => Promise.reject(new Error('dry run: the CLI never aborts'));
  return true;
}
