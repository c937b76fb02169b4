import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, deployModel, IRIS, serveOverNode, startApi, TOKEN, trainIris } from './fixtures.js';

/**
 * Near-miss tokens on the app (management and predict routes) and on the Node predict lane: a
 * prefix, the token plus a suffix (and twice over), a same-length token differing in one place.
 */
let api: ApiHarness;
let node: Awaited<ReturnType<typeof serveOverNode>>;

beforeAll(async () => {
  api = await startApi();
  await deployModel(api.deps, 'iris', [trainIris('logistic_regression')]);
  node = await serveOverNode(api);
});
afterAll(async () => {
  await node?.close();
  await api?.close();
});

const NEAR_MISSES = [
  ['a prefix', TOKEN.slice(0, -1)],
  ['one character', TOKEN.slice(0, 1)],
  ['the token plus a suffix', `${TOKEN}x`],
  ['the token twice', `${TOKEN}${TOKEN}`],
  ['same length, last character wrong', `${TOKEN.slice(0, -1)}X`],
  ['same length, first character wrong', `X${TOKEN.slice(1)}`],
  ['another case', TOKEN.toUpperCase()],
] as const;
const body = { features: IRIS[0].features };

describe.each(NEAR_MISSES)('bearer %s', (_what, token) => {
  const headers = { authorization: `Bearer ${token}` };
  it('is a 401 from the app (management and predict) and from the predict lane', async () => {
    expect((await api.call('GET', '/v1/models', undefined, { headers })).status).toBe(401);
    expect((await api.call('POST', '/v1/endpoints/iris/predict', body, { headers })).status).toBe(401);
    const lane = await node.call('POST', '/v1/endpoints/iris/predict', body, { headers });
    expect(lane.status).toBe(401);
    expect(lane.body.error.message).toBe('invalid bearer token');
  });
});

describe('the right token', () => {
  it('is accepted by the app and the lane', async () => {
    expect((await api.call('GET', '/v1/models')).status).toBe(200);
    expect((await node.call('POST', '/v1/endpoints/iris/predict', body)).status).toBe(200);
  });
});
