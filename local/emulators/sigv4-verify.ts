import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The emulators' credentials (one pair per data dir; see credentials.ts). */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What a request must prove: the parts of it that SigV4 signs. */
export interface SignedRequest {
  readonly method: string;
  /** The path and query as sent (`req.url`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Hex SHA-256 of the body (S3 states it in `x-amz-content-sha256`; DynamoDB does not). */
  readonly payloadHash: string;
}

/** Why a request was refused; `code` is the AWS error code the SDKs and the AWS CLI know. */
export interface Refusal {
  readonly code: 'MissingAuthenticationToken' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch';
  readonly message: string;
}

/** How far a request's x-amz-date may be from now, as AWS allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies an AWS Signature Version 4 request against `credentials`, the way S3 and DynamoDB
 * do: an `Authorization` header, or a presigned URL's query (S3's `X-Amz-*` parameters, within
 * `X-Amz-Expires`). `host` must be signed.
 * @returns undefined when the signature holds, else why not.
 */
export function verifySigV4(
  request: SignedRequest,
  credentials: LocalCredentials,
  now = Date.now(),
): Refusal | undefined {
  const auth = headerValue(request.headers.authorization);
  if (!auth) {
    const presigned = presignedParts(request, now);
    if (!presigned)
      return { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
    if ('code' in presigned) return presigned;
    // Its age is bounded by X-Amz-Expires (checked above), not by the clock skew of a header.
    return checkSignature(presigned.request, presigned.parts, presigned.amzDate, credentials, undefined);
  }
  const m = AUTH.exec(auth);
  if (!m) return { code: 'SignatureDoesNotMatch', message: 'Authorization header is not AWS4-HMAC-SHA256' };
  const [, keyId, day, region, service, signedHeaderList, signature] = m;
  const amzDate = headerValue(request.headers['x-amz-date']) ?? '';
  return checkSignature(
    request,
    { keyId, day, region, service, signedHeaderList, signature },
    amzDate,
    credentials,
    now,
  );
}

interface SignatureParts {
  readonly keyId: string;
  readonly day: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaderList: string;
  readonly signature: string;
}

/**
 * A presigned URL's signature parts, and the request as it was signed (the query without
 * `X-Amz-Signature`, an unsigned payload); a Refusal when it has expired.
 */
function presignedParts(
  request: SignedRequest,
  now: number,
): { request: SignedRequest; parts: SignatureParts; amzDate: string } | Refusal | undefined {
  const q = request.url.indexOf('?');
  if (q === -1) return undefined;
  const params = new URLSearchParams(request.url.slice(q + 1));
  const signature = params.get('X-Amz-Signature');
  const credential = params.get('X-Amz-Credential')?.split('/');
  if (!signature || params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || credential?.length !== 5)
    return undefined;
  const [keyId = '', day = '', region = '', service = ''] = credential;
  const amzDate = params.get('X-Amz-Date') ?? '';
  const expires = Number(params.get('X-Amz-Expires') ?? '0');
  if (now > parseAmzDate(amzDate) + expires * 1000)
    return { code: 'SignatureDoesNotMatch', message: 'Request has expired' };
  const unsigned = request.url
    .slice(q + 1)
    .split('&')
    .filter((p) => !p.startsWith('X-Amz-Signature='))
    .join('&');
  return {
    request: { ...request, url: `${request.url.slice(0, q)}?${unsigned}`, payloadHash: 'UNSIGNED-PAYLOAD' },
    parts: {
      keyId,
      day,
      region,
      service,
      signedHeaderList: params.get('X-Amz-SignedHeaders') ?? '',
      signature,
    },
    amzDate,
  };
}

const parseAmzDate = (amzDate: string) =>
  Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

function checkSignature(
  request: SignedRequest,
  parts: SignatureParts,
  amzDate: string,
  credentials: LocalCredentials,
  now: number | undefined,
): Refusal | undefined {
  const { keyId, day, region, service, signedHeaderList, signature } = parts;
  if (keyId !== credentials.accessKeyId)
    return {
      code: 'InvalidAccessKeyId',
      message: 'The AWS access key Id you provided does not exist in our records.',
    };
  const at = parseAmzDate(amzDate);
  const signedHeaders = signedHeaderList.split(';');
  if (
    !amzDate.startsWith(day) ||
    Number.isNaN(at) ||
    (now !== undefined && Math.abs(now - at) > MAX_SKEW_MS) ||
    !signedHeaders.includes('host')
  )
    return {
      code: 'SignatureDoesNotMatch',
      message: 'x-amz-date missing, too far from now, or host not signed',
    };
  const scope = `${day}/${region}/${service}/aws4_request`;
  const canonical = canonicalRequest(request, signedHeaders);
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, toSign);
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  return undefined;
}

function canonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const query = q === -1 ? '' : request.url.slice(q + 1);
  const headers = signedHeaders.map(
    (name) => `${name}:${(headerValue(request.headers[name]) ?? '').trim().replace(/\s+/g, ' ')}\n`,
  );
  return [
    request.method,
    path || '/',
    canonicalQuery(query),
    headers.join(''),
    signedHeaders.join(';'),
    request.payloadHash,
  ].join('\n');
}

/** Query parameters decoded, RFC 3986-encoded again and sorted (by key, then value). */
function canonicalQuery(query: string): string {
  if (!query) return '';
  const pairs = query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const [k, v] = eq === -1 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
      return [rfc3986(decode(k)), rfc3986(decode(v))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
