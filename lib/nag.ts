/**
 * cdk-nag 3: rule packs are CDK policy-validation plugins (`Validations.of(app).addPlugins`),
 * no longer Aspects, and an acknowledgement is CDK's own `Validations.of(construct).acknowledge`
 * (NagSuppressions is gone).
 *
 * Acknowledgement ids take the pack prefix, as CDK's validation report prints them:
 * `<Pack>::<rule id>`, and cdk-nag 3.0.2's rule ids already start with the pack, so
 * `AwsSolutions::AwsSolutions-SMG4`, `Serverless::Serverless-LambdaDLQ` (a finding:
 * `AwsSolutions::AwsSolutions-IAM5[Resource::*]`). CDK then lists each acknowledged
 * finding with its reason in cdk.out/validation-report.json, an audit trail.
 * `AwsSolutions::SMG4` matches nothing; test/infra/nag.test.ts pins this down.
 */
import { Validations, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** AwsSolutions, and Serverless because the whole product is Lambda + API Gateway. */
const nagPacks = (scope: IConstruct): NagPack[] => [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];

/**
 * Run the packs on every synth of `app`: an unacknowledged error fails `cdk synth` and
 * `cdk deploy`, a warning is printed; the tests allow neither.
 */
export function addNagPacks(app: Stage): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}

/** `<Pack>::<Pack>-<Rule>`, optionally with `[<finding>]`. */
const ACKNOWLEDGEMENT_ID = /^(AwsSolutions|Serverless)::\1-[A-Za-z0-9]+(\[.+\])?$/;

export interface Acknowledgement {
  /** `<Pack>::<Pack>-<Rule>`, e.g. `Serverless::Serverless-LambdaDLQ`. */
  readonly id: string;
  /** Why the finding does not apply here. Required: every acknowledgement says why. */
  readonly reason: string;
}

/** Acknowledge findings on `scope` and everything under it, each with its reason. */
export function acknowledge(scope: IConstruct, ...acknowledgements: readonly Acknowledgement[]): void {
  for (const { id, reason } of acknowledgements) {
    if (!ACKNOWLEDGEMENT_ID.test(id)) throw new Error(`cdk-nag acknowledgement "${id}" is not of the form <Pack>::<Pack>-<Rule>`);
    if (reason.trim().length < 20) throw new Error(`cdk-nag acknowledgement ${id} needs a written reason`);
    Validations.of(scope).acknowledge({ id, reason });
  }
}
