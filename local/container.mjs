// One Lambda container: a fresh Node process that imports one bundle once and
// runs the invocations its host sends over IPC, as the Lambda runtime would.
const { handler } = await import(process.env.FRIENDSHIP_BUNDLE);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';

process.on('message', async ({ id, event, deadline, requestId }) => {
  const context = {
    awsRequestId: requestId,
    functionName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    process.send({ id, result: await handler(event, context) });
  } catch (error) {
    process.send({ id, error: { errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) } });
  }
});
// Ctrl-C reaches the whole process group: the host decides when a container stops (SIGTERM), after the answers in flight.
process.on('SIGINT', () => {});
// A host that is gone cannot send work or read answers.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
