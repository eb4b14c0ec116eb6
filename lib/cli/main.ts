import { readFile } from 'node:fs/promises';
import { setDefaultLogSink } from '../log.js';
import { abortCommand } from './abort.js';
import { type Command, EXIT, type Io } from './command.js';
import { devCommand } from './dev.js';
import { doctorCommand } from './doctor.js';
import { extractCommand } from './extract.js';
import { invokeCommand } from './invoke.js';
import { reportCommand } from './report.js';
import { statusCommand } from './status.js';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  abortCommand,
  statusCommand,
  reportCommand,
  invokeCommand,
  devCommand,
  extractCommand,
  doctorCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: sae-rollback <command> [options]',
    '',
    'Operator tools for sae-rollback (stops bad SAE releases; see README.md).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "sae-rollback <command> --help" for the details of a command, its options and exit codes.',
    '',
    'Options: -h, --help  this text;  -V, --version  the version',
    '',
    'Exit status: 0 success; 1 failed for good (doctor: a check failed); 2 not understood (extract); 3 nothing to do (abort);',
    '             64 wrong arguments; 66 input file unreadable; 69 a port is taken (dev);',
    '             75 temporary failure, run again;',
    '             78 invalid configuration (or no credentials).',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  // Audit lines and warnings of the functions the CLI runs (invoke, dev) are diagnostics: stderr.
  setDefaultLogSink((line) => io.stderr(`${line}\n`));
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(`${topic ? topic.help : usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-V' || name === '--version' || name === 'version') {
    io.stdout(`sae-rollback ${await version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`sae-rollback: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}

/** package.json's version (the CLI runs from the checkout, so it is always there). */
async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/** The real process's streams and files. */
export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readFile: (p) => readFile(p),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  },
  now: () => Date.now(),
  env: process.env,
  untilStopped: () =>
    new Promise<void>((resolve) => {
      // Started as `npx sae-rollback dev &`, this process is npm's grandchild, and `kill <npm's pid>`
      // reaches only npm: when the parent goes away (re-parented to init), stop as if signalled.
      const parent = process.ppid;
      const watch = setInterval(() => {
        if (process.ppid !== parent) stop();
      }, 500);
      watch.unref();
      const stop = () => {
        clearInterval(watch);
        resolve();
      };
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
    }),
};
