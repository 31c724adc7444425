// A minimal stand-in for the Lambda runtime: loads one bundled handler (the export argv[3] of the file
// in argv[2]) in this process, with the environment the parent started it with, and answers each
// invocation the parent sends over IPC, events and results as JSON, as Lambda passes them. One process
// per function, kept warm between invocations like a Lambda execution environment. As Lambda does, the
// context counts the invocation's remaining time down from the function's timeout (argv[4], seconds).
// The parent (bundled-app.ts) stops an invocation still running at the timeout, from outside, as
// Lambda stops the sandbox whatever the handler is doing.
import { pathToFileURL } from 'node:url';

const handler = (await import(pathToFileURL(process.argv[2]).href))[process.argv[3] ?? 'handler'];
if (typeof handler !== 'function') throw new Error(`${process.argv[2]} exports no function ${process.argv[3]}`);
process.on('message', async ({ id, event }) => {
  try {
    const timeoutSeconds = Number(process.argv[4] ?? 3);
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: String(id), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (e) {
    process.send({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
});
process.send({ ready: true });
