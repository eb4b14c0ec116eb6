import { randomUUID } from 'node:crypto';
import { ConfigError } from '../config.js';
import { fakeFcContext } from '../dev/fc-context.js';
import { listFunctions, loadHandler } from '../dev/functions.js';
import { createInvoker } from '../invoke/config.js';
import { InvokeError } from '../invoke/errors.js';
import { isValidTaskId, taskIdFor } from '../invoke/task-id.js';
import { commandWithOptions, usageError } from './args.js';
import { type Command, EXIT, type Io } from './command.js';
import { cliCredentials } from './credentials.js';
import { cliInvokerSettings, errorLine, fileErrorText } from './settings.js';

const help = `Usage: sae-rollback invoke <function> --event <file|-> [options]

Runs a function with an event, the way Function Compute would.

Locally (the default), functions/<function>.ts is imported in this process and its handler is called
with the event bytes and a fake FC 3.0 context; the function reads its configuration from the
environment at import, as on an FC cold start, and its credentials come from the default chain.
With --remote, the deployed function is called through FC's InvokeFunction API (FC 3.0 by default;
INVOKE_API=fc2 for a function in an FC 2.0 service), configured by the INVOKE_* variables
(README "CLI").

Options:
  --event <file|->        the raw event bytes FC hands the function ("-": stdin). For the alarm function
                          over its HTTP trigger that is the FC 3.0 HTTP-trigger JSON, e.g.
                          test/fixtures/events/cloudmonitor-form.json
  --remote                invoke the deployed function instead
  --function-name <name>  with --remote: the FC function name (default sae-rollback-<function>)
  --async                 with --remote: an asynchronous invocation; prints FC's request ID and task ID
  --task-id <id>          with --async: the async task ID (FC refuses one it has seen); default a fresh one
  -h, --help              this text

Functions: ${listFunctions().join(', ')}.

Exit status: 0 the function returned (the result is printed as JSON) or FC accepted the async invocation;
             1 the function threw (FC: X-Fc-Error-Type), or FC refused (a duplicate task ID included);
             64 wrong arguments; 66 the event cannot be read; 75 temporary failure reaching FC;
             78 invalid configuration.`;

export const invokeCommand: Command = commandWithOptions({
  name: 'invoke',
  summary: 'run a function with an event file: in-process with a fake FC context, or --remote on FC',
  help,
  options: {
    event: { type: 'string' },
    remote: { type: 'boolean' },
    async: { type: 'boolean' },
    'task-id': { type: 'string' },
    'function-name': { type: 'string' },
  },
  async run(p, io) {
    const v = p.values;
    const [fn, ...extra] = p.positionals;
    if (!fn || extra.length > 0) return usageError('invoke', io, 'expected exactly one <function>').code;
    if (v.event === undefined) return usageError('invoke', io, '--event <file|-> is required').code;
    if (!v.remote && (v.async || v['task-id'] || v['function-name']))
      return usageError('invoke', io, '--async, --task-id and --function-name need --remote').code;
    if (v['task-id'] !== undefined && !v.async)
      return usageError('invoke', io, '--task-id needs --async').code;
    if (v['task-id'] !== undefined && !isValidTaskId(v['task-id']))
      return usageError(
        'invoke',
        io,
        'a task ID starts with a letter or "_" and has up to 128 of [A-Za-z0-9_-]',
      ).code;
    const local = listFunctions();
    if (!v.remote && !local.includes(fn)) {
      return usageError(
        'invoke',
        io,
        `unknown function ${JSON.stringify(fn)} (functions: ${local.join(', ')})`,
      ).code;
    }
    let event: Buffer;
    try {
      event = v.event === '-' ? await io.readStdin() : await io.readFile(v.event);
    } catch (err) {
      io.stderr(`sae-rollback invoke: cannot read ${v.event}: ${fileErrorText(err)}\n`);
      return EXIT.noInput;
    }
    if (!v.remote) return invokeLocal(fn, event, io);
    const name = v['function-name'] ?? (local.includes(fn) ? `sae-rollback-${fn}` : fn);
    return invokeRemote(
      name,
      event,
      io,
      v.async === true ? (v['task-id'] ?? taskIdFor(`cli-${randomUUID()}`)) : undefined,
    );
  },
});

async function invokeLocal(fn: string, event: Buffer, io: Io): Promise<number> {
  const creds = await cliCredentials('invoke', io);
  if (!creds.ok) return creds.code;
  let handler: Awaited<ReturnType<typeof loadHandler>>;
  try {
    handler = await loadHandler(fn);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`sae-rollback invoke: ${err.message}\n`);
    return EXIT.config;
  }
  // What FC would pass from the function's role: the CLI's credentials, resolved up front.
  const context = fakeFcContext({ functionName: `sae-rollback-${fn}`, credentials: creds.credentials });
  try {
    const result = await handler(event, context);
    io.stdout(`${JSON.stringify(result ?? null, null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    io.stdout(`${JSON.stringify({ errorMessage: e.message, errorType: e.name }, null, 2)}\n`);
    io.stderr(
      `sae-rollback invoke: the function threw ${e.name} (FC would report UnhandledInvocationError)\n`,
    );
    return EXIT.failed;
  }
}

async function invokeRemote(
  name: string,
  event: Buffer,
  io: Io,
  taskId: string | undefined,
): Promise<number> {
  const s = cliInvokerSettings('invoke', io);
  if (!s.ok) return s.code;
  const creds = await cliCredentials('invoke', io);
  if (!creds.ok) return creds.code;
  const invoker = createInvoker(s.settings, creds.source);
  try {
    if (taskId !== undefined) {
      const res = await invoker.invokeAsync(name, event, { taskId });
      io.stdout(`${JSON.stringify({ accepted: true, function: name, ...res }, null, 2)}\n`);
      return EXIT.ok;
    }
    const res = await invoker.invokeSync(name, event);
    const text = res.body.toString('utf8');
    let shown: unknown = text;
    try {
      shown = JSON.parse(text);
    } catch {
      // Not JSON: printed as a string.
    }
    io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
    if (res.errorType) {
      io.stderr(`sae-rollback invoke: ${name} failed: ${res.errorType} (request ${res.requestId})\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (err) {
    io.stderr(`sae-rollback invoke: ${errorLine(err)}\n`);
    return err instanceof InvokeError && !err.retryable ? EXIT.failed : EXIT.tempFail;
  }
}
