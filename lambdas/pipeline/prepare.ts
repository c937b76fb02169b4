// TEMPORARY placeholder by infra (issue 6) so synth runs; the integration engineer replaces it. Not committed.
export const handler = async () => ({ statusCode: 501, body: 'not implemented' });
