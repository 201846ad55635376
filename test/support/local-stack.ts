/** One quiet local stack for a test file: started before its tests, stopped after them. */
import { afterAll, beforeAll } from '@jest/globals';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { Api } from './http.js';

export interface StackForFile {
  readonly stack: LocalStack;
  readonly api: Api;
}

export function localStackForFile(options: LocalStackOptions = {}): StackForFile {
  let started: { stack: LocalStack; api: Api } | undefined;
  beforeAll(async () => {
    const stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false, ...options });
    started = { stack, api: new Api(stack) };
  });
  afterAll(async () => {
    await started?.stack.stop();
  });
  const get = () => {
    if (!started) throw new Error('the local stack is not started yet (use it inside a test or hook)');
    return started;
  };
  return {
    get stack() {
      return get().stack;
    },
    get api() {
      return get().api;
    },
  };
}
