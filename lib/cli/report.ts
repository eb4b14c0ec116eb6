import { writeFile } from 'node:fs/promises';
import { historyFromJsonl, historyFromRedis } from '../follow/history.js';
import { buildReport, type HistoryItem, parseSince, reportText } from '../follow/report.js';
import { reportHtml } from '../follow/report-html.js';
import { connectRedis } from '../idempotency/redis.js';
import { commandWithOptions, usageError } from './args.js';
import { type Command, EXIT } from './command.js';

const HELP = `Usage: sae-rollback report [--since 7d] [--jsonl FILE] [--html FILE] [--json]

What the rollbacks of a period came to, per app: how many, their reasons and outcomes, the median and
95th-percentile time to abort and to recover (from the follow-ups' timelines), and the failures.

Options:
  --since D      how far back: 90m, 24h, 7d (default 7d)
  --jsonl FILE   read a JSONL export of the audit log (e.g. from SLS: the "decision" lines) or of
                 outcome documents, "-" for stdin; without it the Redis store at REDIS_URL
                 (REDIS_KEY_PREFIX) is read (records last IDEMPOTENCY_TTL_SECONDS, follow-ups 7 days)
  --html FILE    also write one self-contained HTML page with a timeline chart
  --json         print the report as JSON instead of text

Exit status: 0 done; 64 wrong arguments; 66 input unreadable; 75 Redis unreachable.`;

export const reportCommand: Command = commandWithOptions({
  name: 'report',
  summary: 'rollbacks per app: reasons, outcomes, p50/p95 time to abort and recover (--html page)',
  help: HELP,
  options: {
    since: { type: 'string' },
    jsonl: { type: 'string' },
    html: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    const { values } = parsed;
    const sinceMs = parseSince(values.since ?? '7d');
    if (sinceMs === undefined)
      return usageError('report', io, `--since ${values.since}: use 90m, 24h or 7d`).code;
    let items: HistoryItem[];
    if (values.jsonl) {
      let text: string;
      try {
        text = String(values.jsonl === '-' ? await io.readStdin() : await io.readFile(values.jsonl));
      } catch (err) {
        io.stderr(`sae-rollback report: cannot read ${values.jsonl}: ${(err as Error).message}\n`);
        return EXIT.noInput;
      }
      const h = historyFromJsonl(text);
      items = h.items;
      if (h.skipped > 0) io.stderr(`sae-rollback report: skipped ${h.skipped} lines that are not outcomes\n`);
    } else {
      const env = io.env ?? process.env;
      const redis = connectRedis({ url: env.REDIS_URL || 'redis://127.0.0.1:6379', timeoutMs: 3_000 });
      try {
        items = await historyFromRedis(redis, env.REDIS_KEY_PREFIX ?? '');
      } catch (err) {
        io.stderr(`sae-rollback report: Redis: ${(err as Error).message}\n`);
        return EXIT.tempFail;
      } finally {
        redis.disconnect();
      }
    }
    const now = io.now();
    const report = buildReport(items, now - sinceMs, now);
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
    if (values.html) {
      await writeFile(values.html, reportHtml(report));
      io.stderr(`wrote ${values.html}\n`);
    }
    return EXIT.ok;
  },
});
