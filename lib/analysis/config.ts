/**
 * The metric-analysis file (YAML or JSON, `ANALYSIS_CONFIG`): which Prometheus-compatible API to ask,
 * and which queries judge a release. Read and validated once per cold start; an error names the file,
 * the line and what to change.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { once } from '../lazy.js';
import { PLACEHOLDERS, placeholdersIn } from './placeholders.js';

// Built on first use (lib/lazy.ts `once`): a cold start without ANALYSIS_CONFIG — every alarm's, most
// consumers' — never constructs these ~40 zod schemas.
function buildAnalysisFileSchema() {
  const duration = z
    .union([
      z.number().positive(),
      z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration such as 30s, 1m or 500ms'),
    ])
    .transform((v) => {
      if (typeof v === 'number') return v * 1000;
      const m = /^(\d+)(ms|s|m|h)$/.exec(v) as RegExpExecArray;
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
      return Number(m[1]) * unit;
    });

  /** `{ op, value }`: the measured value compared with a threshold. */
  const condition = z.strictObject({
    op: z.enum(['>', '>=', '<', '<=']),
    value: z.number(),
  });

  const queryShape = z.strictObject({
    /** Names the query in outcomes and reports. */
    name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)'),
    /** PromQL with {{appId}} {{appName}} {{namespaceId}} {{version}} placeholders; one number comes back. */
    query: z
      .string()
      .min(1)
      .refine((q) => placeholdersIn(q).every((p) => (PLACEHOLDERS as readonly string[]).includes(p)), {
        message: `an unknown placeholder; the known ones are ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`,
      }),
    /** A measurement meeting it is a failure. */
    failure: condition,
    /** A measurement meeting it is a success (it resets the failure count); between the two: inconclusive. */
    success: condition.optional(),
    /** Consecutive failed measurements before the release is stopped. */
    failureLimit: z.int().min(1).max(100).default(3),
    /** At most one measurement per interval per app and release. */
    interval: duration.default(60_000),
    /** What no data or an error counts as: inconclusive (default, never an abort) or a failure. */
    onNoData: z.enum(['inconclusive', 'failure']).default('inconclusive'),
    /**
     * Compare the new version with the previous one: `query` is run for each ({{version}} is filled
     * in), and the measured value is new ÷ previous, which `failure` / `success` then judge.
     */
    compareWithPrevious: z.boolean().default(false),
  });

  return z.strictObject({
    prometheus: z.strictObject({
      /** Base URL; `/api/v1/query` is appended. */
      url: z.url({ protocol: /^https?$/ }),
      /** Bearer token, or `env:NAME` to read it from the environment. */
      bearerToken: z.string().min(1).optional(),
      basicAuth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
      timeout: duration.default(3_000),
    }),
    /** Queries one guard run may send in all (every app); the rest wait for the next run. */
    maxQueriesPerRun: z.int().min(1).max(1_000).default(30),
    queries: z.array(queryShape).min(1),
  });
}
export const analysisFileSchema = once(buildAnalysisFileSchema);
export type AnalysisFile = z.output<ReturnType<typeof buildAnalysisFileSchema>>;
/** `{ op, value }`: the measured value compared with a threshold. */
export type Condition = AnalysisQuery['failure'];
export type AnalysisQuery = AnalysisFile['queries'][number];

/** The file is missing, unreadable, not YAML/JSON, or does not match the schema. */
export class AnalysisConfigError extends Error {
  override readonly name = 'AnalysisConfigError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads and validates the analysis file; relative paths are from the working directory (FC: /code). */
export function loadAnalysisFile(path: string, env: NodeJS.ProcessEnv = process.env): AnalysisFile {
  const file = isAbsolute(path) ? path : resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AnalysisConfigError(
      `ANALYSIS_CONFIG=${path}: cannot read ${file} (${(err as Error).message}). Fix: point ANALYSIS_CONFIG at the analysis file bundled with the function (npm run build copies analysis/ into each function), or unset it to turn analysis off.`,
      file,
      undefined,
      { cause: err },
    );
  }
  return parseAnalysisFile(text, file, env);
}

/** Parses the text of an analysis file named `file` (for messages). */
export function parseAnalysisFile(text: string, file: string, env: NodeJS.ProcessEnv = {}): AnalysisFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new AnalysisConfigError(
      `${file}:${line}: not valid YAML/JSON: ${syntax.message.split('\n')[0]}. Fix the syntax on that line.`,
      file,
      line,
    );
  }
  const r = analysisFileSchema().safeParse(doc.toJS());
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const where = issue.path.join('.') || '(top level)';
    const node = doc.getIn(issue.path as (string | number)[], true);
    const parent =
      issue.path.length > 0 ? doc.getIn(issue.path.slice(0, -1) as (string | number)[], true) : doc.contents;
    let at = isNode(node) ? node : isNode(parent) ? parent : undefined;
    if (issue.code === 'unrecognized_keys' && isMap(node)) {
      // Point at the unknown key itself, not at the map that holds it.
      const pair = node.items.find((i) => isScalar(i.key) && issue.keys.includes(String(i.key.value)));
      if (pair && isScalar(pair.key)) at = pair.key;
    }
    const line = at?.range ? lines.linePos(at.range[0]).line : undefined;
    throw new AnalysisConfigError(
      `${file}${line ? `:${line}` : ''}: ${where}: ${issue.message}. Fix: ${fixFor(issue)} (README, "Metric analysis").`,
      file,
      line,
    );
  }
  const p = r.data.prometheus;
  if (p.bearerToken?.startsWith('env:')) {
    const name = p.bearerToken.slice(4);
    const value = env[name];
    if (!value) {
      throw new AnalysisConfigError(
        `${file}: prometheus.bearerToken reads ${name}, which is not set. Fix: set ${name} in the function's environment.`,
        file,
      );
    }
    p.bearerToken = value;
  }
  return r.data;
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `remove or rename ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'add this field';
  return 'give this field a value of the kind described';
}
