/**
 * The one classifier for Alibaba Cloud errors. Each service (SAE, CloudMonitor, MNS, EventBridge, FC) has
 * a table in ./tables/: rules read top to bottom, the first whose condition holds for the error code and
 * HTTP status gives the verdict. A product's table ends with the POP gateway's (./tables/pop.ts) or with
 * its own catch-all, so every error gets exactly one kind, decided in one place.
 */

/** What a failed call means for the caller. */
export const ApiErrorKind = {
  /** The thing we wanted is already true (the change order is no longer running, the task exists). */
  AlreadyDone: 'already-done',
  /** Retrying the same call cannot succeed: fix input, permissions or configuration. */
  Permanent: 'permanent',
  /** May succeed later: throttling, the service busy, 5xx, network trouble, garbage from a gateway. */
  Retryable: 'retryable',
} as const;
export type ApiErrorKind = (typeof ApiErrorKind)[keyof typeof ApiErrorKind];

/** Finer-grained reason for permanent errors, so outcomes can say `not-found` or `forbidden`. */
export const ApiErrorReason = {
  NotFound: 'not-found',
  Forbidden: 'forbidden',
  InvalidInput: 'invalid-input',
  Other: 'other',
} as const;
export type ApiErrorReason = (typeof ApiErrorReason)[keyof typeof ApiErrorReason];

export interface Classification {
  kind: ApiErrorKind;
  reason?: ApiErrorReason;
}

/** Classifies an error code (plus HTTP status): {@link classify} bound to one service's table. */
export type CodeClassifier = (code: string, httpStatus?: number) => Classification;

/** When a rule applies. `code` is `''` when the service sent none. */
export type Match = (code: string, httpStatus: number | undefined) => boolean;

/** One row of a service's table. */
export interface Rule {
  when: Match;
  is: Classification;
}

export type ErrorTable = readonly Rule[];

/** The verdicts a table row can give. */
export const Verdict = {
  retryable: { kind: ApiErrorKind.Retryable },
  alreadyDone: { kind: ApiErrorKind.AlreadyDone },
  notFound: { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.NotFound },
  forbidden: { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Forbidden },
  invalidInput: { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.InvalidInput },
  permanent: { kind: ApiErrorKind.Permanent, reason: ApiErrorReason.Other },
} as const satisfies Record<string, Classification>;

/** The code is one of these. */
export function codeIs(...codes: string[]): Match {
  const set = new Set(codes);
  return (code) => set.has(code);
}

/** The code starts with one of these. */
export function codeStartsWith(...prefixes: string[]): Match {
  return (code) => prefixes.some((p) => code.startsWith(p));
}

/** The code matches this expression. */
export function codeMatches(re: RegExp): Match {
  return (code) => re.test(code);
}

/** There is an HTTP status and it passes `test`. */
export function statusIs(test: (status: number) => boolean): Match {
  return (_code, status) => status !== undefined && test(status);
}

/** No HTTP answer at all: the request may never have arrived. */
export const noStatus: Match = (_code, status) => status === undefined;

/** Any of these holds. */
export function anyOf(...matches: Match[]): Match {
  return (code, status) => matches.some((m) => m(code, status));
}

/** The catch-all last row. */
export const always: Match = () => true;

/** 5xx or 429: the server's trouble or its throttle, whatever the code. */
export const serverOrThrottled: Match = statusIs((s) => s >= 500 || s === 429);

/** 5xx, 408 or 429: as {@link serverOrThrottled}, plus a request timeout (the next attempt is signed anew). */
export const transientStatus: Match = statusIs((s) => s >= 500 || s === 408 || s === 429);

/** The first matching row's verdict; a table without a catch-all gives `permanent`/`other` for the rest. */
export function classify(table: ErrorTable, code: string, httpStatus?: number): Classification {
  const rule = table.find((r) => r.when(code, httpStatus));
  return { ...(rule?.is ?? Verdict.permanent) };
}

/** {@link classify} bound to one table. */
export function classifierOf(table: ErrorTable): CodeClassifier {
  return (code, httpStatus) => classify(table, code, httpStatus);
}

/** Whether a verdict says "try again". */
export function isRetryable(c: Pick<Classification, 'kind'>): boolean {
  return c.kind === ApiErrorKind.Retryable;
}
