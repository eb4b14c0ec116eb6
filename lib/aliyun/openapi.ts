/**
 * Building blocks for adapters on `@alicloud/openapi-client`'s generic `callApi`, shared by the SAE
 * clients (through lib/sae/roa.ts), the CloudMonitor client and the FC invoker.
 */
import type Credentials from '@alicloud/credentials';
import OpenApiModule, { Config } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import type { CredentialSource } from '../credentials.js';
import { cjsDefault } from '../interop.js';

export const OpenApiClient = cjsDefault<typeof OpenApiModule.default>(OpenApiModule);
export type OpenApiClientInstance = InstanceType<typeof OpenApiClient>;

/** How to reach and authenticate against one product endpoint (the same options `SaeClient` takes). */
export interface OpenApiClientOptions {
  regionId: string;
  credentials: CredentialSource;
  /** Host (optionally `host:port`) without scheme. Default: the product's regional endpoint. */
  endpoint?: string;
  protocol?: 'https' | 'http';
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** A client plus the runtime options for each call: one attempt, both timeouts set. */
export function createOpenApiClient(
  opts: OpenApiClientOptions,
  defaultEndpoint: string,
): { client: OpenApiClientInstance; runtime: RuntimeOptions } {
  const connectTimeout = opts.connectTimeoutMs ?? 3_000;
  const readTimeout = opts.readTimeoutMs ?? 5_000;
  const client = new OpenApiClient(
    new Config({
      regionId: opts.regionId,
      endpoint: opts.endpoint ?? defaultEndpoint,
      protocol: opts.protocol ?? 'https',
      // Both must be set: httpx's socket idle timeout follows connectTimeout (see reference/libraries.md).
      connectTimeout,
      readTimeout,
      credential: credentialAdapter(opts.credentials),
    }),
  );
  // Retries belong to the caller, which knows the deadline and the call budget.
  return { client, runtime: new RuntimeOptions({ autoretry: false, connectTimeout, readTimeout }) };
}

/**
 * openapi-client reads credentials through `credential.getCredential()` on every request; this hands it
 * our {@link CredentialSource} (fresh per FC invocation) without rebuilding the client.
 */
export function credentialAdapter(source: CredentialSource): InstanceType<typeof Credentials.default> {
  const adapter = {
    async getCredential() {
      const c = await source.get();
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken ?? '',
        type: c.securityToken ? 'sts' : 'access_key',
        providerName: c.securityToken ? 'static_sts' : 'static_ak',
      };
    },
  };
  return adapter as unknown as InstanceType<typeof Credentials.default>;
}

/** Drops undefined/null fields so results satisfy `exactOptionalPropertyTypes`. */
export function compact<T>(o: { [K in keyof T]-?: T[K] | undefined | null }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}
