/**
 * The base of the errors that carry context: a failed cloud call (lib/aliyun ApiError), a failed FC
 * submission (lib/invoke InvokeError), a failed publish (lib/notify NotifyError). Each declared its fields
 * twice (constructor input and properties) and copied them one by one; here the context type declares
 * them once and one constructor copies them.
 */

/** What a context error's constructor takes: its own fields, plus the error that caused it. */
export interface ErrorContext {
  cause?: unknown;
}

/** The properties an error built from context `C` carries: every field but `cause`, `undefined` where optional. */
export type ContextFields<C extends ErrorContext> = { readonly [K in Exclude<keyof C, 'cause'>]: C[K] };

/** The constructor {@link contextError} returns: `new (message, ctx)`. */
export type ContextErrorClass<C extends ErrorContext> = new (
  message: string,
  ctx: C,
) => Error & ContextFields<C>;

/**
 * A base class for errors with context `C`. Every field in `fields` becomes an own property, `undefined`
 * included, so all errors of a class have the same keys; `cause` is kept as `Error` keeps it (not
 * enumerable), and only when there is one.
 */
export function contextError<C extends ErrorContext>(
  fields: readonly Exclude<keyof C, 'cause'>[],
): ContextErrorClass<C> {
  class WithContext extends Error {
    constructor(message: string, ctx: C) {
      super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
      const self = this as unknown as Record<keyof C, unknown>;
      for (const field of fields) self[field] = ctx[field];
    }
  }
  return WithContext as unknown as ContextErrorClass<C>;
}
