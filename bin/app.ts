/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`): one stack for the stage named
 * by `-c stage=<name>` (default `dev`), from cdk.json context `stages.<name>`.
 */
import { App } from 'aws-cdk-lib';
import { buildFriendshipApp } from '../lib/friendship-app.js';
import { StageConfigError } from '../lib/stage-config.js';

try {
  buildFriendshipApp(new App());
} catch (error) {
  // A configuration mistake is a message for a person, not a stack trace.
  if (!(error instanceof StageConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
