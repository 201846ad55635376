/**
 * The one AWS credential pair of the local stack. The function containers get
 * it as their AWS credentials, and the local stand-ins of IAM (the bulk route)
 * and of the Lambda Invoke API accept only requests signed with it (SigV4).
 * It opens nothing in AWS: it exists only here.
 */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const DEFAULT_LOCAL_CREDENTIALS: LocalCredentials = {
  accessKeyId: 'AKIALOCAL0000000000',
  secretAccessKey: 'local-only-not-a-real-secret',
};

/** The variables that replace the pair. */
export const LOCAL_CREDENTIAL_VARIABLES = { accessKeyId: 'LOCAL_ACCESS_KEY_ID', secretAccessKey: 'LOCAL_SECRET_ACCESS_KEY' } as const;

export function localCredentials(env: NodeJS.ProcessEnv): LocalCredentials {
  return {
    accessKeyId: env[LOCAL_CREDENTIAL_VARIABLES.accessKeyId] || DEFAULT_LOCAL_CREDENTIALS.accessKeyId,
    secretAccessKey: env[LOCAL_CREDENTIAL_VARIABLES.secretAccessKey] || DEFAULT_LOCAL_CREDENTIALS.secretAccessKey,
  };
}
