/** Response documents and identifiers in the shapes MNS uses. */
import { randomBytes } from 'node:crypto';

/** An MNS-style API failure: HTTP status plus the `<Error>` document fields. */
export interface MnsApiError {
  status: number;
  code: string;
  message: string;
}

/**
 * The errors the emulator produces, with documented codes, statuses and messages (MNS error-code table).
 * Where the table says nothing the choice is marked.
 */
export const mnsErrors = {
  invalidRequestUrl: (): MnsApiError => ({
    status: 400,
    code: 'InvalidRequestURL',
    message: 'Http request URL format invalid.',
  }),
  missingAuthorization: (): MnsApiError => ({
    status: 400,
    code: 'MissingAuthorizationHeader',
    message: 'Authorization header is required.',
  }),
  invalidAuthorization: (): MnsApiError => ({
    status: 400,
    code: 'InvalidAuthorizationHeader',
    message: 'The Authorization header format is invalid.',
  }),
  missingDate: (): MnsApiError => ({
    status: 400,
    code: 'MissingDateHeader',
    message: 'Date header is required.',
  }),
  invalidDate: (): MnsApiError => ({
    status: 400,
    code: 'InvalidDateHeader',
    message: 'The Date header format is invalid.',
  }),
  /** Documented as HTTP 408 in the MNS error-code table (not 400). */
  timeExpired: (): MnsApiError => ({
    status: 408,
    code: 'TimeExpired',
    message: 'The http request you sent is expired.',
  }),
  /** The table has no dedicated version code; MNS answers InvalidArgument for bad parameters. */
  invalidVersion: (): MnsApiError => ({
    status: 400,
    code: 'InvalidArgument',
    message: 'The x-mns-version header must be 2015-06-06.',
  }),
  invalidAccessKeyId: (): MnsApiError => ({
    status: 403,
    code: 'InvalidAccessKeyId',
    message: 'The AccessKey Id you provided is not exist.',
  }),
  signatureMismatch: (): MnsApiError => ({
    status: 403,
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  }),
  /**
   * No MNS document names the STS-token failure; `InvalidSecurityToken` follows the wording other Alibaba Cloud
   * services use. Clients must not depend on the exact code, only on 403 being permanent.
   */
  invalidSecurityToken: (): MnsApiError => ({
    status: 403,
    code: 'InvalidSecurityToken',
    message: 'The security token you provided is invalid.',
  }),
  /** Sic: the documented code really is spelled "InvalidDegist". */
  invalidDigest: (): MnsApiError => ({
    status: 400,
    code: 'InvalidDegist',
    message: 'The Content-MD5 you specified is invalid.',
  }),
  topicNotExist: (): MnsApiError => ({
    status: 404,
    code: 'TopicNotExist',
    message: 'The topic you provided does not exist.',
  }),
  malformedXml: (): MnsApiError => ({
    status: 400,
    code: 'MalformedXML',
    message: 'The XML you provided was not well-formed.',
  }),
  invalidXmlShape: (element: string): MnsApiError => ({
    status: 400,
    code: 'InvalidArgument',
    message: `The XML you provided did not validate against our published schema, cause by Element ${element}.`,
  }),
} as const;

/** Text escaping for the emulator's own responses (kept separate from the client's code on purpose). */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The `<Error>` document MNS returns with every failure. */
export function errorXml(err: MnsApiError, requestId: string, hostId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><Error xmlns="http://mns.aliyuncs.com/doc/v1/">' +
    `<Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message>` +
    `<RequestId>${esc(requestId)}</RequestId><HostId>${esc(hostId)}</HostId></Error>`
  );
}

/** The PublishMessage success document. */
export function publishOkXml(messageId: string, bodyMd5: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?><Message xmlns="http://mns.aliyuncs.com/doc/v1/">' +
    `<MessageId>${esc(messageId)}</MessageId><MessageBodyMD5>${esc(bodyMd5)}</MessageBodyMD5></Message>`
  );
}

/** 24 upper-case hex characters, like `56667514B2B71C9C16000000`: seconds since epoch, then randomness. */
export function newRequestId(nowMs: number): string {
  const secs = Math.floor(nowMs / 1000)
    .toString(16)
    .toUpperCase()
    .padStart(8, '0')
    .slice(-8);
  return secs + randomBytes(8).toString('hex').toUpperCase();
}

/** Issues message IDs shaped like `D273CD6A89564E54-1-15180395A19-200000001`. */
export class MessageIdIssuer {
  readonly #prefix = randomBytes(8).toString('hex').toUpperCase();
  #seq = 200_000_000;

  next(nowMs: number): string {
    this.#seq += 1;
    return `${this.#prefix}-1-${Math.floor(nowMs).toString(16).toUpperCase()}-${this.#seq}`;
  }
}
