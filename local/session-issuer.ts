/**
 * The local issuer of player sessions: RS256 tokens with a `kid`, published as
 * JWKS, verified the way API Gateway's JWT authorizer verifies them (signature,
 * issuer, audience, expiry). Local only: the deployed stack trusts the game's
 * own OIDC issuer instead.
 */
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export const LOCAL_AUDIENCE = 'friendship-bff-local';
const SESSION_TTL_SECONDS = 3600;

export interface IssueOptions {
  ttlSeconds?: number;
  /** The `aud` claim; null leaves it out (a token that names its client in `client_id` instead). */
  audience?: string | null;
  issuer?: string;
  /** The `sub` claim; null leaves it out. Defaults to the player id. */
  subject?: string | null;
  claims?: JWTPayload;
}

/** An issuer's signing key and the JWKS that publishes it. */
export interface IssuerKey {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwks: JSONWebKeySet;
  kid: string;
}

export class SessionIssuer {
  readonly jwks: JSONWebKeySet;

  private constructor(
    readonly issuer: string,
    private readonly key: IssuerKey,
  ) {
    this.jwks = key.jwks;
  }

  static async create(issuer: string): Promise<SessionIssuer> {
    return SessionIssuer.withKey(issuer, await SessionIssuer.generateKey());
  }

  static async generateKey(): Promise<IssuerKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return { privateKey, jwks: { keys: [jwk] }, kid };
  }

  /** At once: for an issuer whose URL is known only when the server is listening. */
  static withKey(issuer: string, key: IssuerKey): SessionIssuer {
    return new SessionIssuer(issuer, key);
  }

  async issue(playerId: string, options: IssueOptions = {}): Promise<{ token: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (options.ttlSeconds ?? SESSION_TTL_SECONDS);
    const jwt = new SignJWT({ ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(exp);
    const subject = options.subject === undefined ? playerId : options.subject;
    if (subject !== null) jwt.setSubject(subject);
    const audience = options.audience === undefined ? LOCAL_AUDIENCE : options.audience;
    if (audience !== null) jwt.setAudience(audience);
    const token = await jwt.sign(this.key.privateKey);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid token, or a reason it is not; as the deployed JWT authorizer decides. */
  async verify(token: string): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: string }> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), {
        issuer: this.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      });
      // As API Gateway: `aud` must name the API; only a token without `aud` may name it in `client_id`.
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.includes(LOCAL_AUDIENCE)) return { ok: false, reason: 'the token is not for this API (aud, or client_id without aud)' };
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : 'invalid token' };
    }
  }
}
