import type { CredentialSource } from '../credentials.js';
import type { InvokerSettings } from './config.js';
import type { Invoker } from './types.js';

/** The hooks' FC invoker, loaded on its first use: a cold start that runs no hook never loads it. */
export function lazyInvoker(settings: InvokerSettings, credentials: CredentialSource): Invoker {
  let real: Promise<Invoker> | undefined;
  const load = () => {
    real ??= import('./config.js').then((m) => m.createInvoker(settings, credentials));
    return real;
  };
  return {
    api: settings.api,
    invokeAsync: async (fn, payload, opts) => (await load()).invokeAsync(fn, payload, opts),
    invokeSync: async (fn, payload) => (await load()).invokeSync(fn, payload),
  };
}
