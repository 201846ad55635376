/**
 * Who may call which route. Player routes get the player authorizer of the
 * stage's `auth.mode`; the trusted (bulk) route gets IAM.
 *
 * The seam for GamePot sessions: `auth.mode: gamepot` will return an
 * HttpLambdaAuthorizer (REQUEST, simple responses, identity sources
 * `$request.header.Authorization` and `$request.header.X-GamePot-Member-Id`,
 * results cached for `auth.cacheTtlSeconds`) over the `gamepot-authorizer`
 * function, built with OperationFunction like the six operations, and add
 * `x-gamepot-member-id` to `corsHeaders`. Until then
 * the stage schema refuses that mode, and this module fails loudly if reached.
 */
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Access } from '../functions/routes.js';
import type { AuthConfig } from './stage-config.js';

export interface RouteAuthorizers {
  readonly player: IHttpRouteAuthorizer;
  readonly trusted: IHttpRouteAuthorizer;
  /** The PLAYER_ID_CLAIM the functions read, for this mode. */
  readonly playerIdClaim: string;
  /** The request headers a browser must be allowed to send (CORS) for this mode. */
  readonly corsHeaders: readonly string[];
}

export function routeAuthorizers(auth: AuthConfig): RouteAuthorizers {
  const trusted = new HttpIamAuthorizer();
  switch (auth.mode) {
    case 'jwt':
      return {
        // API Gateway checks the signature (from the issuer's JWKS), issuer, audience and expiry before any function runs.
        player: new HttpJwtAuthorizer('PlayerJwt', auth.issuer, { jwtAudience: [...auth.audience] }),
        trusted,
        playerIdClaim: auth.playerIdClaim,
        corsHeaders: ['authorization', 'content-type'],
      };
    case 'gamepot':
      throw new Error("auth.mode 'gamepot' is not yet supported by the CDK stack; use 'jwt'");
  }
}

export const authorizerFor = (authorizers: RouteAuthorizers, access: Access): IHttpRouteAuthorizer =>
  access === 'player' ? authorizers.player : authorizers.trusted;
