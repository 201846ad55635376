/**
 * Who may call which route. Player routes get the player authorizer of the
 * stage's `auth.mode`; the trusted (bulk) route gets IAM in every mode.
 *
 * - `jwt`: API Gateway's JWT authorizer (issuer, audience, signature, expiry).
 * - `gamepot`: a Lambda REQUEST authorizer over the `gamepot-authorizer` function
 *   (functions/gamepot-authorizer.ts), which checks the GamePot login token with
 *   loginauth. Simple responses, payload format 2.0, identity sources
 *   `Authorization` and `X-GamePot-Member-Id` (a request missing either is refused
 *   by API Gateway with 401 before the function runs, and the result cache is keyed
 *   by both), answers cached for `auth.cacheTtlSeconds`.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Access } from '../functions/operations.js';
import type { AuthConfig } from './stage-config.js';

/** The GamePot session's two headers, as API Gateway names them in an identity source. */
export const GAMEPOT_IDENTITY_SOURCES = ['$request.header.Authorization', '$request.header.X-GamePot-Member-Id'] as const;

export interface RouteAuthorizers {
  readonly player: IHttpRouteAuthorizer;
  readonly trusted: IHttpRouteAuthorizer;
  /**
   * The PLAYER_ID_CLAIM the functions read, for this mode. Undefined in `gamepot`
   * mode: there the functions read the Lambda authorizer's `playerId` context key
   * (AUTHORIZER_PLAYER_KEY in functions/core/identity.ts), which no variable renames.
   */
  readonly playerIdClaim: string | undefined;
}

export interface AuthorizerFunctions {
  /** The `gamepot-authorizer` function; required in `gamepot` mode. */
  readonly gamepotAuthorizer?: IFunction;
}

export function routeAuthorizers(auth: AuthConfig, functions: AuthorizerFunctions = {}): RouteAuthorizers {
  const trusted = new HttpIamAuthorizer();
  switch (auth.mode) {
    case 'jwt':
      return {
        // API Gateway checks the signature (from the issuer's JWKS), issuer, audience and expiry before any function runs.
        player: new HttpJwtAuthorizer('PlayerJwt', auth.issuer, { jwtAudience: [...auth.audience] }),
        trusted,
        playerIdClaim: auth.playerIdClaim,
      };
    case 'gamepot': {
      const handler = functions.gamepotAuthorizer;
      if (!handler) throw new Error("auth.mode 'gamepot' needs the gamepot-authorizer function");
      return {
        // No `role`: HttpLambdaAuthorizer then adds a Lambda permission for apigateway.amazonaws.com
        // whose SourceArn is this API's authorizer (execute-api:<region>:<account>:<api id>/authorizers/<id>).
        player: new HttpLambdaAuthorizer('GamePotSession', handler, {
          authorizerName: 'GamePotSession',
          responseTypes: [HttpLambdaResponseType.SIMPLE],
          identitySource: [...GAMEPOT_IDENTITY_SOURCES],
          resultsCacheTtl: Duration.seconds(auth.cacheTtlSeconds),
        }),
        trusted,
        playerIdClaim: undefined,
      };
    }
  }
}

export const authorizerFor = (authorizers: RouteAuthorizers, access: Access): IHttpRouteAuthorizer =>
  access === 'player' ? authorizers.player : authorizers.trusted;
