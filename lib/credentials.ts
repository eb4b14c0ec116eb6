import type CredentialsModule from '@alicloud/credentials';
import { cjsDefault } from './interop.js';

type Credential = InstanceType<typeof CredentialsModule.default>;

/** An AccessKey pair, with an STS token when temporary. Never log this object. */
export interface CloudCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Where the current credentials come from. Asked on every outgoing call, so rotation just works. */
export interface CredentialSource {
  get(): Promise<CloudCredentials>;
}

/** Fixed credentials (tests, the local demo). */
export function staticCredentials(creds: CloudCredentials): CredentialSource {
  return { get: async () => creds };
}

/**
 * The `@alicloud/credentials` default chain: env vars, OIDC, CLI profile, ini file, ECS RAM role, URI.
 * For local use; on FC the per-invocation `context.credentials` win (see {@link InvocationCredentials}).
 */
export function defaultChainCredentials(): CredentialSource {
  // Loaded and built on first use: on FC, `context.credentials` win and the chain's module (a sizeable
  // part of a cold start) is never evaluated; resolving the chain may also probe the network.
  let client: Credential | undefined;
  return {
    async get() {
      if (!client) {
        const Chain = cjsDefault<typeof CredentialsModule.default>(await import('@alicloud/credentials'));
        client ??= new Chain();
      }
      const c = await client.getCredential();
      if (!c.accessKeyId || !c.accessKeySecret) {
        throw new Error(
          'No Alibaba Cloud credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, ' +
            'or give the function a RAM role so FC passes STS credentials in context.credentials.',
        );
      }
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        ...(c.securityToken ? { securityToken: c.securityToken } : {}),
      };
    },
  };
}

/**
 * FC hands a fresh STS triple to every invocation in `context.credentials`. Clients are built once per
 * cold start and read this holder on each call, so credentials refresh without rebuilding clients.
 * When the function has no role (`credentials: {}`), the fallback source is used.
 */
export class InvocationCredentials implements CredentialSource {
  #current: CloudCredentials | undefined;
  readonly #fallback: CredentialSource | undefined;

  constructor(fallback?: CredentialSource) {
    this.#fallback = fallback;
  }

  /** Called by the handler middleware with `context.credentials`; ignores an empty object. */
  set(creds: Partial<CloudCredentials> | undefined): void {
    if (creds?.accessKeyId && creds.accessKeySecret) {
      this.#current = {
        accessKeyId: creds.accessKeyId,
        accessKeySecret: creds.accessKeySecret,
        ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
      };
    }
  }

  async get(): Promise<CloudCredentials> {
    if (this.#current) return this.#current;
    if (this.#fallback) return this.#fallback.get();
    throw new Error(
      'No credentials for this invocation: FC passed an empty context.credentials. Attach a RAM role to the function (s.yaml `role`).',
    );
  }
}

/** Variables that configure a chain provider other than the plain AccessKey pair. */
export const CHAIN_VARIABLES = [
  'ALIBABA_CLOUD_ROLE_ARN',
  'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_ECS_METADATA',
  'ALIBABA_CLOUD_CREDENTIALS_URI',
] as const;
