// `@alicloud/fc2` 2.6.6 ships no typings: the slice of its Client that `fc2.ts` uses.
declare module '@alicloud/fc2' {
  interface Fc2ClientConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    endpoint?: string;
    secure?: boolean;
    internal?: boolean;
    timeout?: number;
  }
  class Client {
    constructor(accountId: string, config: Fc2ClientConfig);
    invokeFunction(
      serviceName: string,
      functionName: string,
      event: Buffer | string,
      headers?: Record<string, string>,
      qualifier?: string,
      opts?: { rawBuf?: boolean },
    ): Promise<{ headers: Record<string, string | undefined>; data: unknown }>;
  }
  export = Client;
}
