/**
 * The emulated control-plane read GetEventBus, as the official SDK calls it (aliyun/alibabacloud-eventbridge-sdk,
 * `getEventBus`): `POST /openapi/getEventBus`, JSON body `{"EventBusName"}`, signed like PutEvents. Answers the
 * SDK's GetEventBusResponse fields — RequestId, ResourceOwnerAccountId, EventBusARN, EventBusName, Description,
 * CreateTimestamp — or 404 `EventBusNotExist` ("The event bus [x] not existed!", the data plane's wording).
 */
import { z } from 'zod';
import { notExisted } from './put-events.js';
import { BUS_NAME } from './types.js';
import type { ApiError } from './verify.js';

const requestSchema = z.object({ EventBusName: z.string().regex(BUS_NAME) });

export function getEventBus(
  buses: ReadonlyMap<string, number>,
  where: { accountId: string; region: string },
  body: Buffer,
): { error: ApiError } | { answer: Record<string, unknown> } {
  let parsed: ReturnType<typeof requestSchema.safeParse> | undefined;
  try {
    parsed = requestSchema.safeParse(JSON.parse(body.toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success)
    return { error: { status: 400, code: 'InvalidArgument', message: 'EventBusName is required.' } };
  const name = parsed.data.EventBusName;
  const created = buses.get(name);
  if (created === undefined)
    return { error: { status: 404, code: 'EventBusNotExist', message: notExisted(name) } };
  return {
    answer: {
      ResourceOwnerAccountId: where.accountId,
      EventBusARN: `acs:eventbridge:${where.region}:${where.accountId}:eventbus/${name}`,
      EventBusName: name,
      Description: '',
      CreateTimestamp: created,
    },
  };
}
