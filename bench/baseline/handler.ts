/**
 * The baseline: the function a user writes from the OpenAPI Explorer sample for
 * AbortAndRollbackChangeOrder (generic `callApi`, ROA, 2019-05-06), dropped into an FC handler. Kept
 * as people actually write it: parse the body, look up the app's last change order when the alarm
 * names only the app, abort it. No dedupe, no call budget, no retries, no notification, no
 * validation (it reads a JSON body, or CloudMonitor's form callback). The one bench-only change:
 * SAE_ENDPOINT / SAE_PROTOCOL point it at the emulator.
 */
import OpenApiModule, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';

type Credentials = { accessKeyId?: string; accessKeySecret?: string; securityToken?: string };
type Message = { ChangeOrderId?: string; appId?: string; data?: { messageBody?: string } };

// The sample's `new OpenApi(config)`; the default export sits one level down under some loaders.
const OpenApi = (
  'default' in OpenApiModule ? OpenApiModule.default : OpenApiModule
) as typeof OpenApiModule.default;

function createClient(c: Credentials) {
  const config = new $OpenApi.Config({ ...c, protocol: process.env.SAE_PROTOCOL ?? 'https' });
  config.endpoint = process.env.SAE_ENDPOINT ?? `sae.${process.env.FC_REGION}.aliyuncs.com`;
  return new OpenApi(config);
}

async function callApi(
  client: InstanceType<typeof OpenApi>,
  action: string,
  pathname: string,
  query: object,
) {
  const method = action === 'AbortAndRollbackChangeOrder' ? 'PUT' : 'GET';
  const params = new $OpenApi.Params({
    action,
    version: '2019-05-06',
    protocol: 'HTTPS',
    method,
    authType: 'AK',
    style: 'ROA',
    pathname,
    reqBodyType: 'json',
    bodyType: 'json',
  });
  const request = new $OpenApi.OpenApiRequest({ query });
  const res = await client.callApi(params, request, new $Util.RuntimeOptions({}));
  return res.body as { Data?: { LastChangeOrderId?: string } };
}

export const handler = async (event: Buffer, context: { credentials: Credentials }) => {
  let body = JSON.parse(event.toString());
  if (typeof body.body === 'string') {
    const raw = body.isBase64Encoded ? Buffer.from(body.body, 'base64').toString() : body.body;
    // CloudMonitor's alarm callback is a form; the app is in its `dimensions` JSON.
    body = /^\s*[[{]/.test(raw)
      ? JSON.parse(raw)
      : JSON.parse(new URLSearchParams(raw).get('dimensions') ?? '{}');
  }
  const client = createClient(context.credentials);
  const results: unknown[] = [];
  for (const item of (Array.isArray(body) ? body : [body]) as Message[]) {
    try {
      const msg: Message = item.data?.messageBody ? JSON.parse(item.data.messageBody) : item;
      let changeOrderId = msg.ChangeOrderId;
      if (!changeOrderId) {
        const status = await callApi(
          client,
          'DescribeApplicationStatus',
          '/pop/v1/sam/app/describeApplicationStatus',
          { AppId: msg.appId },
        );
        changeOrderId = status.Data?.LastChangeOrderId;
      }
      results.push(
        await callApi(
          client,
          'AbortAndRollbackChangeOrder',
          '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
          { ChangeOrderId: changeOrderId },
        ),
      );
    } catch (err) {
      results.push({ error: (err as Error).message });
    }
  }
  return results;
};
