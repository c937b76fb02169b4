/**
 * The predict function's stand-in for `@aws-sdk/credential-provider-node` (an esbuild alias in
 * its bundle only, infra/constructs/predict-bundle.ts). Lambda gives a function its role's
 * credentials in the environment, the first link of the SDK's default chain; the other links
 * (SSO, ini files, process, web identity, container and instance metadata, with the STS and SSO
 * clients they bring) are never reached there, yet their code was compiled at every cold start.
 */

/** The SDK's credential shape (AwsCredentialIdentity), without importing it. */
export interface EnvCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Same name and signature as the package's `defaultProvider`: the clients' runtime config calls it. */
export function defaultProvider(): () => Promise<EnvCredentials> {
  return async () => credentialsFromEnv(process.env);
}

/**
 * The credentials Lambda sets (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`, optionally `AWS_CREDENTIAL_EXPIRATION`).
 * @throws Error naming the variables, when either key is missing.
 */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): EnvCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: the predict function reads only the ' +
        "credentials Lambda puts in its environment (its bundle leaves out the SDK's other providers)",
    );
  const expiry = env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiry ? { expiration: new Date(expiry) } : {}),
  };
}
