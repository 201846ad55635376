/**
 * The local stack's documented credential pair (the one its function containers
 * get), which the local Lambda Invoke endpoint accepts SigV4 signatures from.
 */
export const localCredentials = { accessKeyId: 'AKIALOCAL0000000000', secretAccessKey: 'local-only-not-a-real-secret' } as const;
