/**
 * An API Gateway HTTP API (payload format 2.0) event as the IAM-authorized route hands it to
 * Lambda: what the bundled API handler receives on AWS.
 */
export function apiGatewayEvent(method: string, path: string, body?: unknown): Record<string, unknown> {
  const routeKey = path.endsWith('/predict') ? 'POST /v1/endpoints/{name}/predict' : '$default';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'content-type': 'application/json',
      'x-amz-date': '20260101T000000Z',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: { iam: { accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:user/test' } },
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-invoke-1',
      routeKey,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}
