import { appIdSchema } from '../ids.js';
import { SaeError, SaeErrorKind } from '../sae/errors.js';
import { parseSaeTime } from '../sae/time.js';
import { describeStatus, TERMINAL_STATUSES } from '../sae/types.js';
import { commandWithOptions, usageError } from './args.js';
import { type Command, EXIT, type Io } from './command.js';
import { cliCredentials } from './credentials.js';
import { cliConfig, cliSaeClient, errorLine } from './settings.js';
import { fields, table } from './table.js';

const help = `Usage: sae-rollback status <appId> [options]

Shows what an SAE app and its change orders look like, read-only: DescribeApplicationStatus, then
DescribeChangeOrder of the app's last change order, then ListChangeOrders (newest first).

Options:
  --limit <n>   how many recent change orders to list (1–50, default 10)
  --json        print {application, lastChangeOrder, changeOrders} as JSON instead of tables (times
                as SAE sends them; the tables show them in UTC, with a Z)
  -h, --help    this text

Configuration and credentials: as for "abort" (SAE_REGION, SAE_ENDPOINT, …; the default credential chain).

Exit status: 0 shown; 1 SAE refused (app not found, forbidden); 64 wrong arguments;
             75 temporary failure (throttled, network): run again; 78 invalid configuration.`;

export const statusCommand: Command = commandWithOptions({
  name: 'status',
  summary: "show an app's status, its last change order and recent change orders as tables",
  help,
  options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  async run(p, io) {
    if (p.positionals.length !== 1) return usageError('status', io, 'expected exactly one <appId>').code;
    const appId = appIdSchema.safeParse(p.positionals[0]);
    if (!appId.success)
      return usageError('status', io, appId.error.issues[0]?.message ?? 'invalid app ID').code;
    const limit = Number(p.values.limit ?? '10');
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      return usageError('status', io, '--limit must be an integer from 1 to 50').code;
    }
    // Status publishes nothing: only the SAE settings matter; the MNS placeholder satisfies the schema.
    const loaded = cliConfig('status', io, envHasMns(io) ? {} : { MNS_ENDPOINT: 'http://127.0.0.1:9' });
    if (!loaded.ok) return loaded.code;
    const { config } = loaded;
    const creds = await cliCredentials('status', io);
    if (!creds.ok) return creds.code;
    const sae = cliSaeClient(config, creds.source);
    try {
      const app = (await sae.describeApplicationStatus(appId.data)).data;
      const last = app.lastChangeOrderId
        ? (await sae.describeChangeOrder(app.lastChangeOrderId)).data
        : undefined;
      const page = (await sae.listChangeOrders({ appId: appId.data, currentPage: 1, pageSize: limit })).data;
      if (p.values.json) {
        io.stdout(
          `${JSON.stringify({ application: app, lastChangeOrder: last ?? null, changeOrders: page }, null, 2)}\n`,
        );
        return EXIT.ok;
      }
      const out = [
        `Application ${app.appId}${last?.appName ? ` (${last.appName})` : ''}`,
        fields([
          ['status', app.currentStatus],
          ['sub-status', app.subStatus],
          [
            'last change order',
            app.lastChangeOrderId
              ? `${app.lastChangeOrderId} (${app.lastChangeOrderRunning ? 'running' : 'not running'})`
              : 'none',
          ],
        ]),
      ];
      if (last) {
        out.push(
          '',
          `Last change order ${last.changeOrderId}`,
          fields([
            ['type', last.coTypeCode],
            ['status', `${describeStatus(last.status)} (${last.status}), sub-status ${last.subStatus}`],
            ['created', utc(last.createTime)],
            ['description', last.description],
            [
              'abortable',
              TERMINAL_STATUSES.has(last.status)
                ? 'no (finished)'
                : last.supportRollback === false
                  ? 'no'
                  : 'yes',
            ],
          ]),
        );
      }
      out.push('', `Recent change orders (${page.changeOrders.length} of ${page.totalSize})`);
      out.push(
        page.changeOrders.length === 0
          ? '  none'
          : table(
              ['change order', 'type', 'status', 'created', 'finished'],
              page.changeOrders.map((c) => [
                c.changeOrderId,
                c.coTypeCode ?? '',
                `${describeStatus(c.status)} (${c.status})`,
                utc(c.createTime),
                utc(c.finishTime),
              ]),
            ),
      );
      io.stdout(`${out.join('\n')}\n`);
      return EXIT.ok;
    } catch (err) {
      io.stderr(`sae-rollback status: ${errorLine(err)}\n`);
      return err instanceof SaeError && err.kind !== SaeErrorKind.Retryable ? EXIT.failed : EXIT.tempFail;
    }
  },
});

/**
 * SAE's zone-less `yyyy-MM-dd HH:mm:ss` (read as UTC+8, lib/sae/time.ts) shown in UTC with its `Z`, so a
 * reader in any zone knows what it means; a time that does not parse is shown as SAE sent it.
 */
function utc(raw: string | undefined): string {
  const ms = parseSaeTime(raw);
  return ms === undefined ? (raw ?? '') : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function envHasMns(io: Io): boolean {
  const env = io.env ?? process.env;
  return Boolean(env.MNS_ENDPOINT || env.MNS_ACCOUNT_ID || env.FC_ACCOUNT_ID);
}
