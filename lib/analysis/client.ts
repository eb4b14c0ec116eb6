/**
 * The Prometheus HTTP API's instant query (`GET /api/v1/query`), as ARMS Managed Prometheus and any
 * self-managed Prometheus serve it. Only what the analysis needs: one PromQL expression, a vector or
 * scalar back, a per-request timeout, bearer or basic auth.
 */
import { z } from 'zod';

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** The port the analysis uses; tests may pass an in-memory fake. */
export interface PromApi {
  query(promql: string): Promise<PromSample[]>;
}

/** The query could not be answered (unreachable, timed out, refused, a PromQL error). */
export class PromQueryError extends Error {
  override readonly name = 'PromQueryError';
  constructor(
    message: string,
    /** No answer at all (refused, timed out): the next queries of this run would wait the same way. */
    readonly unreachable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const answerSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  errorType: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.unknown(),
    })
    .optional(),
});
const vectorSchema = z.array(
  z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }),
);
const scalarSchema = z.tuple([z.number(), z.string()]);

export interface PromClientOptions {
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class PromClient implements PromApi {
  readonly #o: PromClientOptions;
  readonly #headers: Record<string, string>;

  constructor(o: PromClientOptions) {
    this.#o = o;
    this.#headers = { accept: 'application/json' };
    if (o.bearerToken) this.#headers.authorization = `Bearer ${o.bearerToken}`;
    else if (o.basicAuth) {
      const { username, password } = o.basicAuth;
      this.#headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
  }

  async query(promql: string): Promise<PromSample[]> {
    const url = new URL('api/v1/query', this.#o.url.endsWith('/') ? this.#o.url : `${this.#o.url}/`);
    url.searchParams.set('query', promql);
    const host = url.host;
    let res: Response;
    try {
      res = await (this.#o.fetch ?? fetch)(url, {
        headers: this.#headers,
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${this.#o.timeoutMs} ms` : causeOf(e);
      throw new PromQueryError(`Prometheus at ${host}: ${why}`, true, { cause: err });
    }
    const body = await res.text();
    let parsed: z.infer<typeof answerSchema> | undefined;
    try {
      parsed = answerSchema.parse(JSON.parse(body));
    } catch {
      throw new PromQueryError(`Prometheus at ${host}: HTTP ${res.status}, not a Prometheus API answer`);
    }
    if (parsed.status !== 'success' || !parsed.data) {
      throw new PromQueryError(
        `Prometheus at ${host}: HTTP ${res.status} ${parsed.errorType ?? ''}: ${parsed.error ?? 'error'}`,
      );
    }
    const { resultType, result } = parsed.data;
    if (resultType === 'vector') {
      return vectorSchema.parse(result).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
    }
    if (resultType === 'scalar') return [{ labels: {}, value: Number(scalarSchema.parse(result)[1]) }];
    throw new PromQueryError(`Prometheus at ${host}: the query gave a ${resultType}, not one number`);
  }
}

function causeOf(e: Error): string {
  const c = (e.cause as { code?: string; message?: string } | undefined) ?? {};
  return c.code ?? c.message ?? e.message;
}
