/**
 * What the FC 3.0 and FC 2.0 invokers share: the {@link Invoker} port's two calls, the task-ID check, and
 * turning a failed call into an {@link InvokeError} (./failure.ts judges it). An adapter adds only its
 * wire: the header names, the one InvokeFunction request, and how to read its SDK's errors.
 */
import { InvokeError } from './errors.js';
import { assertTaskId, invokeFailure } from './failure.js';
import type { AsyncInvocation, InvokeAsyncOptions, Invoker, SyncInvocation } from './types.js';

/** FC function names: letters, digits, `_` and `-`, starting with a letter or `_`, at most 128 characters. */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/** An adapter's headers: the invocation type (`Async`/`Sync`) and the async task ID. */
export interface FcHeaderNames {
  invocationType: string;
  taskId: string;
}

/** An SDK error, read into what {@link invokeFailure} judges. */
export interface FcFailure {
  message: string;
  statusCode: number | undefined;
  code: string | undefined;
  requestId: string | undefined;
}

/** The {@link Invoker} on one FC API; subclasses send the request and read their SDK's errors. */
export abstract class FcInvoker implements Invoker {
  abstract readonly api: Invoker['api'];
  protected abstract readonly headerNames: FcHeaderNames;

  /** One InvokeFunction of `functionName` with these FC headers; throws whatever the SDK throws. */
  protected abstract send(
    functionName: string,
    payload: Buffer | string,
    headers: Record<string, string>,
  ): Promise<SyncInvocation>;

  /** What the SDK's `err` says about the failed InvokeFunction of `functionName`. */
  protected abstract readFailure(err: unknown, functionName: string): FcFailure;

  async invokeAsync(
    functionName: string,
    payload: Buffer | string,
    opts: InvokeAsyncOptions,
  ): Promise<AsyncInvocation> {
    assertTaskId(functionName, opts.taskId);
    const { invocationType, taskId } = this.headerNames;
    const headers = { [invocationType]: 'Async', [taskId]: opts.taskId };
    const res = await this.#call(functionName, payload, headers, opts.taskId);
    return { requestId: res.requestId, taskId: opts.taskId };
  }

  invokeSync(functionName: string, payload: Buffer | string): Promise<SyncInvocation> {
    const headers = { [this.headerNames.invocationType]: 'Sync' };
    return this.#call(functionName, payload, headers, undefined);
  }

  async #call(
    functionName: string,
    payload: Buffer | string,
    headers: Record<string, string>,
    taskId: string | undefined,
  ): Promise<SyncInvocation> {
    try {
      return await this.send(functionName, payload, headers);
    } catch (err) {
      if (err instanceof InvokeError) throw err;
      const { message, ...parts } = this.readFailure(err, functionName);
      throw invokeFailure(message, { functionName, taskId, ...parts, cause: err });
    }
  }
}
