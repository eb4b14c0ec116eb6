/**
 * What came back from MNS, or what went wrong on the way: the answer read (XML, the echoed body MD5
 * checked), failures turned into {@link NotifyError}s with the retry verdict of MNS's table
 * (lib/aliyun/tables/mns.ts), and nothing that could carry a credential in their messages.
 */

import { z } from 'zod';
import { isRetryable } from '../aliyun/classify.js';
import { classifyMnsCode } from '../aliyun/tables/mns.js';
import { ClientFailure, NotifyChannel, NotifyError, NotifyErrorKind } from './errors.js';
import { type PostResponse, ResponseTooLarge, redactSecrets, transportFailure } from './http-post.js';
import { mnsBodyMd5 } from './mns-signature.js';
import { looksLikeXml, readXmlElementText, xmlRootName } from './xml.js';

/** Whether sending the same message again may succeed after this HTTP failure (MNS's table). */
export function isRetryableMnsFailure(httpStatus: number, code?: string): boolean {
  return isRetryable(classifyMnsCode(code ?? '', httpStatus));
}

/** What the result of a successful publish is. */
export interface PublishAnswer {
  messageId: string;
  /** Upper-case hex MD5 of the body, as returned by MNS and verified against what we sent. */
  bodyMd5: string;
  requestId?: string;
}

const publishResponseSchema = z.object({
  MessageId: z.string().min(1),
  MessageBodyMD5: z.string().regex(/^[0-9A-Fa-f]{32}$/),
});

/** A POST that got no complete answer: our deadline, an oversize answer, or a network error — all retryable. */
export function mnsTransportError(e: unknown, topic: string, timeoutMs: number): NotifyError {
  const what = `MNS publish to topic "${topic}"`;
  if (e instanceof ResponseTooLarge) {
    return new NotifyError(`${what} failed: ${e.message}`, {
      channel: NotifyChannel.mns,
      ...ClientFailure.malformedResponse,
      retryable: true,
      cause: e,
    });
  }
  // Node network errors (ECONNRESET, ECONNREFUSED, ENOTFOUND, "socket hang up") never contain request headers.
  return transportFailure(e, {
    channel: NotifyChannel.mns,
    what,
    timeoutMs,
    secrets: [],
  });
}

/** What MNS answered a publish: the result, or a {@link NotifyError} saying whether to send again. */
export function interpretPublishResponse(
  res: PostResponse,
  topic: string,
  body: string,
  secrets: readonly string[],
): PublishAnswer {
  const headerRequestId = headerValue(res.headers['x-mns-request-id']);
  if (res.status < 200 || res.status >= 300) throw httpError(res, topic, headerRequestId, secrets);

  const parsed =
    looksLikeXml(res.body) && xmlRootName(res.body) === 'Message'
      ? publishResponseSchema.safeParse({
          MessageId: readXmlElementText(res.body, 'MessageId'),
          MessageBodyMD5: readXmlElementText(res.body, 'MessageBodyMD5'),
        })
      : undefined;
  if (!parsed?.success) {
    // Retryable, accepting a possible duplicate: an unreadable success is indistinguishable from a failure.
    throw new NotifyError(
      `MNS publish to topic "${topic}" returned HTTP ${res.status} without a readable MessageId/MessageBodyMD5`,
      {
        channel: NotifyChannel.mns,
        ...ClientFailure.malformedResponse,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: true,
      },
    );
  }
  const expected = mnsBodyMd5(body);
  const returned = parsed.data.MessageBodyMD5.toUpperCase();
  if (returned !== expected) {
    // MNS stored a different body than we meant (an encoding bug somewhere). Not retryable: the same bytes
    // would be mangled the same way, and the corrupted message has already been delivered.
    throw new NotifyError(
      `MNS publish to topic "${topic}" stored a different body: MessageBodyMD5 ${returned} != expected ${expected} ` +
        `(messageId ${parsed.data.MessageId})`,
      {
        channel: NotifyChannel.mns,
        ...ClientFailure.bodyMd5Mismatch,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: false,
      },
    );
  }
  return headerRequestId === undefined
    ? { messageId: parsed.data.MessageId, bodyMd5: returned }
    : { messageId: parsed.data.MessageId, bodyMd5: returned, requestId: headerRequestId };
}

function httpError(
  res: PostResponse,
  topic: string,
  headerRequestId: string | undefined,
  secrets: readonly string[],
): NotifyError {
  const isErrorXml = looksLikeXml(res.body) && xmlRootName(res.body) === 'Error';
  const code = isErrorXml ? nonEmpty(readXmlElementText(res.body, 'Code')) : undefined;
  if (!isErrorXml || code === undefined) {
    // Not MNS talking (a gateway, a proxy, a load balancer page): treat as transient.
    return new NotifyError(
      `MNS publish to topic "${topic}" failed: HTTP ${res.status} with a non-MNS error body`,
      {
        channel: NotifyChannel.mns,
        kind: NotifyErrorKind.http,
        httpStatus: res.status,
        requestId: headerRequestId,
        retryable: true,
      },
    );
  }
  const serverMessage = readXmlElementText(res.body, 'Message') ?? '';
  const requestId = nonEmpty(readXmlElementText(res.body, 'RequestId')) ?? headerRequestId;
  const hostId = nonEmpty(readXmlElementText(res.body, 'HostId'));
  const context = [requestId && `requestId ${requestId}`, hostId && `hostId ${hostId}`]
    .filter(Boolean)
    .join(', ');
  // Belt and braces: the server should never echo credentials, but an error message must never carry them.
  const message = redactSecrets(
    `MNS publish to topic "${topic}" failed: HTTP ${res.status} ${code}: ${serverMessage.slice(0, 300)}` +
      (context ? ` (${context})` : ''),
    secrets,
  );
  return new NotifyError(message, {
    channel: NotifyChannel.mns,
    kind: NotifyErrorKind.http,
    code,
    httpStatus: res.status,
    requestId,
    retryable: isRetryableMnsFailure(res.status, code),
  });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return nonEmpty(Array.isArray(v) ? v[0] : v);
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}
