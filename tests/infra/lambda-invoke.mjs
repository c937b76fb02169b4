// Invokes a bundled Lambda handler the way the Node.js runtime does: a fresh process whose
// working directory is the task root, the function's environment, `handler(event, context)`.
// Usage: node lambda-invoke.mjs <taskDir> <entryFile> <eventJson>; prints the result, or the error as the runtime reports it, as JSON.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskDir, entry, eventJson] = process.argv.slice(2);
const mod = await import(pathToFileURL(join(taskDir, entry)).href);
const context = {
  awsRequestId: 'req-invoke-1',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'cirrus-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cirrus-test',
  memoryLimitInMB: '1536',
  logGroupName: '/aws/lambda/cirrus-test',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
};
try {
  const result = await mod.handler(JSON.parse(eventJson), context);
  process.stdout.write(`\n@@RESULT@@${JSON.stringify(result)}\n`);
} catch (error) {
  // What the Node.js runtime reports for a failed invocation, and Step Functions' Catch matches.
  process.stdout.write(
    `\n@@ERROR@@${JSON.stringify({ errorType: error.name, errorMessage: error.message })}\n`,
  );
}
// Lambda freezes the process after the response; end it here (SDK sockets may be kept alive).
process.exit(0);
