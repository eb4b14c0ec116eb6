/** CMS response bodies: the POP gateway error shape, CMS's own `{Success, Code, Message}` envelope. */
import { popGateway, type Reply } from '../kit/pop-envelope.js';

/** Gateway errors with CMS's `HostId` (`metrics.<region>.aliyuncs.com`), same table as SAE's. */
export const { gatewayError: cmsGatewayError, knownGatewayError: knownCmsGatewayError } = popGateway({
  host: 'metrics',
  product: 'Cms',
});

/**
 * A parameter error. CMS's exact code for these is not documented for DescribeMetricRuleList; the
 * emulator uses the generic POP `InvalidParameter` (HTTP 400) in the gateway shape.
 */
export function invalidParameter(requestId: string, regionId: string, message: string): Reply {
  return cmsGatewayError(requestId, regionId, 'InvalidParameter', message, 400);
}

/** CMS business failure: `{RequestId, Success: false, Code, Message}` (Code as given, e.g. "ResourceNotFound"). */
export function cmsFailure(requestId: string, code: string, message: string, status: number): Reply {
  return { status, code, body: { RequestId: requestId, Success: false, Code: code, Message: message } };
}

/** CMS success: `Code` is the integer 200 here (TS SDK model `code?: number`; doc sample `200`). */
export function cmsSuccess(requestId: string, fields: Record<string, unknown>): Reply {
  return { status: 200, body: { RequestId: requestId, Success: true, Code: 200, Message: '', ...fields } };
}
