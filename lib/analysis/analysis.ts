/**
 * Metric analysis of one app's release, for the guard: each configured query is measured at most once
 * per its interval, the streak of failures is kept in the store, and `failureLimit` consecutive failures
 * make a finding that goes through the same decision path as an alarm. Queries never touch the SAE
 * budget; one guard run sends at most `maxQueriesPerRun` of them.
 */
import type { SharedState } from '../idempotency/store.js';
import type { Alarm } from '../rollback/outcome.js';
import { type PromApi, PromQueryError } from './client.js';
import type { AnalysisFile, AnalysisQuery } from './config.js';
import {
  describeCondition,
  judge,
  placeholdersIn,
  ratioOf,
  render,
  type Verdict,
  worstValue,
} from './evaluate.js';
import { measurementKey, nextState, readState, writeState } from './store.js';

/** What one query said about one release in this run (the guard report's `analysis`). */
export interface AnalysisNote {
  appId: string;
  changeOrderId: string;
  query: string;
  verdict: Verdict | 'not-due' | 'over-run-limit';
  value?: number;
  failures?: number;
  failureLimit: number;
  detail?: string;
}

export interface AnalysisTarget {
  appId: string;
  appName?: string;
  namespaceId?: string;
  changeOrderId: string;
  /** The new and previous version IDs (only asked for when a query needs them). */
  versions: () => Promise<{ current?: string; previous?: string }>;
}

export interface AnalysisFinding {
  query: string;
  detail: string;
  alarm: Alarm;
}

/** One guard run's share of queries. */
export interface AnalysisRun {
  sent: number;
  notes: AnalysisNote[];
  /** Prometheus trouble, once per distinct message. */
  errors: string[];
  /** Set when Prometheus gave no answer: the rest of the run sends no more queries (each would wait too). */
  unreachable?: boolean;
}

/** A placeholder the app has no value for: that query is inconclusive for the app. */
class MissingValue extends Error {
  override readonly name = 'MissingValue';
}

export class Analysis {
  readonly #file: AnalysisFile;
  readonly #prom: PromApi;
  readonly #store: SharedState;

  constructor(o: { file: AnalysisFile; prom: PromApi; store: SharedState }) {
    this.#file = o.file;
    this.#prom = o.prom;
    this.#store = o.store;
  }

  /** A fresh per-run counter. */
  run(): AnalysisRun {
    return { sent: 0, notes: [], errors: [] };
  }

  /** Measures the queries that are due; the first that reached its failure limit, if any. */
  async check(t: AnalysisTarget, now: number, run: AnalysisRun): Promise<AnalysisFinding | undefined> {
    let found: AnalysisFinding | undefined;
    for (const q of this.#file.queries) {
      const f = await this.#one(q, t, now, run);
      found ??= f;
    }
    return found;
  }

  async #one(q: AnalysisQuery, t: AnalysisTarget, now: number, run: AnalysisRun) {
    const base = {
      appId: t.appId,
      changeOrderId: t.changeOrderId,
      query: q.name,
      failureLimit: q.failureLimit,
    };
    const key = measurementKey(t.appId, t.changeOrderId, q.name);
    const prev = await readState(this.#store, key);
    if (prev && now - prev.lastAt < q.interval) {
      run.notes.push({ ...base, verdict: 'not-due', failures: prev.failures });
      return undefined;
    }
    const cost = q.compareWithPrevious ? 2 : 1;
    if (run.sent + cost > this.#file.maxQueriesPerRun) {
      run.notes.push({ ...base, verdict: 'over-run-limit', detail: 'the run sent its maxQueriesPerRun' });
      return undefined;
    }
    if (run.unreachable) {
      run.notes.push({
        ...base,
        verdict: 'inconclusive',
        detail: 'Prometheus gave no answer earlier in this run',
      });
      return undefined;
    }
    const m = await this.#measure(q, t, run);
    const verdict = judge(m.value, q);
    const failed = verdict === 'inconclusive' ? undefined : verdict === 'failure';
    const s = nextState(prev, failed, m.value, now, q.failureLimit);
    await writeState(this.#store, key, s);
    run.notes.push({
      ...base,
      verdict,
      failures: s.failures,
      ...(m.value !== undefined ? { value: m.value } : {}),
      ...(m.detail ? { detail: m.detail } : {}),
    });
    if (verdict !== 'failure' || s.limitAt === undefined) return undefined;
    const measured = m.value === undefined ? 'no data' : String(m.value);
    const what = q.compareWithPrevious ? 'new ÷ previous version' : 'value';
    const values = s.values.slice(-s.failures).map((v) => (v === null ? 'no data' : String(v)));
    const detail = `analysis ${q.name}: ${what} ${measured}, failure when ${describeCondition(q.failure)}, ${s.failures} consecutive failed measurements (limit ${q.failureLimit}): ${values.join(', ')}`;
    return {
      query: q.name,
      detail,
      alarm: {
        source: 'analysis',
        name: q.name,
        state: 'ALARM',
        value: measured,
        metric: m.promql ?? q.query,
        // When the limit was reached: after the release started (it was running when measured), and
        // the same on every later run, so that repeats are one piece of evidence for the core.
        firedAt: new Date(s.limitAt).toISOString(),
        summary: `${q.name} ${measured} (failure when ${describeCondition(q.failure)}) in ${s.failures} consecutive measurements`,
        description: detail,
      },
    };
  }

  async #measure(
    q: AnalysisQuery,
    t: AnalysisTarget,
    run: AnalysisRun,
  ): Promise<{ value?: number; detail?: string; promql?: string }> {
    const vars = { appId: t.appId, appName: t.appName, namespaceId: t.namespaceId } as Record<
      string,
      string | undefined
    >;
    // SAE trouble (and the guard's per-run SAE allowance) is the guard's to handle: not caught here.
    const needsVersion = q.compareWithPrevious || placeholdersIn(q.query).includes('version');
    const versions = needsVersion ? await t.versions() : {};
    try {
      const ask = async (version: string | undefined) => {
        const promql = render(q.query, { ...vars, ...(version !== undefined ? { version } : {}) } as never);
        if (promql === undefined)
          throw new Error('a placeholder has no value for this app (name, namespace or version unknown)');
        run.sent++;
        return { promql, value: worstValue(await this.#prom.query(promql)) };
      };
      const current = await ask(versions.current);
      if (!q.compareWithPrevious) {
        return current.value === undefined
          ? { detail: 'no data', promql: current.promql }
          : { value: current.value, promql: current.promql };
      }
      if (!versions.previous)
        return { detail: 'no previous version to compare with', promql: current.promql };
      const previous = await ask(versions.previous);
      const ratio = ratioOf(current.value, previous.value);
      return ratio === undefined
        ? { detail: 'no data for one of the versions', promql: current.promql }
        : {
            value: ratio,
            promql: current.promql,
            detail: `new ${current.value}, previous ${previous.value}`,
          };
    } catch (err) {
      if (!(err instanceof PromQueryError || err instanceof MissingValue)) throw err;
      if (err instanceof PromQueryError && err.unreachable) run.unreachable = true;
      const msg = err.message;
      if (!run.errors.includes(msg)) run.errors.push(msg);
      return { detail: msg };
    }
  }
}
