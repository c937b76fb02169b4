import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, defaultProvider } from '../../lambdas/predict-credentials.js';

// The predict bundle's stand-in for the SDK's default credential chain: what Lambda sets, nothing else.
describe('the predict function credentials (environment only)', () => {
  it('reads the keys, the session token and the expiry Lambda sets', () => {
    const creds = credentialsFromEnv({
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00Z',
    });
    expect(creds).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('leaves out the session token and expiry when they are not set', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' })).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
    });
  });

  it('refuses, naming the variables, when a key is missing', () => {
    expect(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/,
    );
    expect(() => credentialsFromEnv({ AWS_SECRET_ACCESS_KEY: 'secret', AWS_ACCESS_KEY_ID: '' })).toThrow(
      /not set/,
    );
  });

  it('is shaped as the SDK calls defaultProvider: a function returning a credentials provider', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'from-env';
    process.env.AWS_SECRET_ACCESS_KEY = 'from-env-secret';
    try {
      await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'from-env' });
    } finally {
      restore('AWS_ACCESS_KEY_ID', saved.id);
      restore('AWS_SECRET_ACCESS_KEY', saved.secret);
    }
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
