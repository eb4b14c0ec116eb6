/**
 * What the DingTalk robot endpoint checks, in the order it checks it: route, access token, the robot's security
 * settings (signature with a timestamp within one hour; keywords), then the message. DingTalk answers almost
 * every refusal with HTTP 200 and a non-zero `errcode`; the codes below are the ones the robot API documents or
 * is widely seen returning. Where DingTalk's exact code for a malformed body is not documented, the emulator's
 * choice is marked.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A robot the emulator knows. */
export interface DingTalkRobot {
  accessToken: string;
  /** When set ("加签"), requests must carry a valid `timestamp` + `sign`. */
  secret?: string;
  /** When set ("自定义关键词"), the message must contain one of them. */
  keywords?: readonly string[];
}

/** DingTalk's JSON answer. */
export interface DingTalkReply {
  errcode: number;
  errmsg: string;
}

/** DingTalk refuses timestamps more than an hour away from its own clock. */
export const MAX_TIMESTAMP_SKEW_MS = 60 * 60 * 1000;
/** Largest message DingTalk accepts (errcode 460101). */
export const MAX_MESSAGE_BYTES = 20_000;

export const dingTalkReplies = {
  ok: (): DingTalkReply => ({ errcode: 0, errmsg: 'ok' }),
  tokenNotExist: (): DingTalkReply => ({ errcode: 300001, errmsg: 'token is not exist' }),
  invalidTimestamp: (): DingTalkReply => ({ errcode: 310000, errmsg: 'invalid timestamp' }),
  signNotMatch: (): DingTalkReply => ({ errcode: 310000, errmsg: 'sign not match' }),
  keywordsNotInContent: (): DingTalkReply => ({ errcode: 310000, errmsg: 'keywords not in content' }),
  tooLong: (): DingTalkReply => ({ errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' }),
  /** Emulator's choice of code for an unsupported msgtype. */
  unsupportedType: (): DingTalkReply => ({ errcode: 400105, errmsg: 'unsupported msgtype' }),
  /** Emulator's choice of code for a body that is not the documented JSON. */
  badBody: (detail: string): DingTalkReply => ({ errcode: 40035, errmsg: `invalid parameter: ${detail}` }),
  sendTooFast: (): DingTalkReply => ({
    errcode: 130101,
    errmsg: 'send too fast, exceed 20 times per minute',
  }),
} as const;

/** A message as the group would see it. */
export interface DingTalkMessageBody {
  msgtype: 'markdown' | 'text';
  /** markdown.title; absent for text messages. */
  title?: string;
  /** markdown.text or text.content, exactly as sent. */
  text: string;
}

const bodySchema = z.discriminatedUnion('msgtype', [
  z.object({
    msgtype: z.literal('markdown'),
    markdown: z.object({ title: z.string().min(1), text: z.string().min(1) }),
  }),
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }) }),
]);

/** The verdict for one request. `signatureValid` is true only when a signature was checked and matched. */
export type SendVerdict =
  | { ok: true; accessToken: string; message: DingTalkMessageBody; signed: boolean }
  | { ok: false; reply: DingTalkReply; accessToken?: string; signatureValid: boolean };

/** Verifies `POST /robot/send?access_token=…[&timestamp=…&sign=…]`. Never throws. */
export function verifySend(input: {
  query: URLSearchParams;
  body: Buffer;
  nowMs: number;
  robots: ReadonlyMap<string, DingTalkRobot>;
}): SendVerdict {
  const accessToken = input.query.get('access_token') ?? '';
  const robot = input.robots.get(accessToken);
  if (robot === undefined)
    return { ok: false, reply: dingTalkReplies.tokenNotExist(), signatureValid: false };
  const reject = (reply: DingTalkReply, signatureValid = false): SendVerdict => ({
    ok: false,
    reply,
    accessToken,
    signatureValid,
  });

  let signed = false;
  if (robot.secret !== undefined) {
    const timestamp = input.query.get('timestamp') ?? '';
    // URLSearchParams has already percent-decoded `sign` (and turned a raw "+" into a space, as DingTalk's
    // form decoding does: an un-encoded Base64 signature fails here exactly as it fails there).
    const sign = input.query.get('sign') ?? '';
    if (!/^\d{1,15}$/.test(timestamp) || Math.abs(input.nowMs - Number(timestamp)) > MAX_TIMESTAMP_SKEW_MS) {
      return reject(dingTalkReplies.invalidTimestamp());
    }
    const expected = createHmac('sha256', robot.secret)
      .update(`${timestamp}\n${robot.secret}`)
      .digest('base64');
    if (!safeEqual(expected, sign)) return reject(dingTalkReplies.signNotMatch());
    signed = true;
  }

  if (input.body.length > MAX_MESSAGE_BYTES) return reject(dingTalkReplies.tooLong(), signed);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(input.body));
  } catch {
    return reject(dingTalkReplies.badBody('body is not UTF-8 JSON'), signed);
  }
  const msgtype = typeof json === 'object' && json !== null && 'msgtype' in json ? json.msgtype : undefined;
  if (msgtype !== 'markdown' && msgtype !== 'text') return reject(dingTalkReplies.unsupportedType(), signed);
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) return reject(dingTalkReplies.badBody(`${msgtype} fields missing`), signed);
  const message: DingTalkMessageBody =
    parsed.data.msgtype === 'markdown'
      ? { msgtype: 'markdown', title: parsed.data.markdown.title, text: parsed.data.markdown.text }
      : { msgtype: 'text', text: parsed.data.text.content };

  if (robot.keywords !== undefined && robot.keywords.length > 0) {
    const content = `${message.title ?? ''}\n${message.text}`;
    if (!robot.keywords.some((k) => content.includes(k)))
      return reject(dingTalkReplies.keywordsNotInContent(), signed);
  }
  return { ok: true, accessToken, message, signed };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
