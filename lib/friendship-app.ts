/**
 * The app: the selected stage's stack, checked by cdk-nag on every synth.
 * bin/app.ts and the tests both build it here, so what is tested is what deploys.
 */
import type { App } from 'aws-cdk-lib';
import { FriendshipStack } from './friendship-stack.js';
import { stackNameOf } from './names.js';
import { addNagPacks } from './nag.js';
import { loadStageConfig } from './stage-config.js';

export function buildFriendshipApp(app: App): FriendshipStack {
  const config = loadStageConfig(app.node.getAllContext());
  const stack = new FriendshipStack(app, stackNameOf(config.stage), {
    config,
    // Left out, the stack is environment-agnostic: synth needs no account, no credentials and no lookups.
    env: config.env.account || config.env.region ? { account: config.env.account, region: config.env.region } : undefined,
  });
  addNagPacks(app);
  return stack;
}
