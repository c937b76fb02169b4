import { channel } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * Runs `fn` once, as soon as the HTTP requests this process has started are on the wire (each
 * ClientRequest's 'finish': its bytes handed to the socket, after DNS, connect and TLS). The
 * predict function's first invocation starts its DynamoDB reads and then waits on them; CPU
 * work done in that wait (onnxruntime's setup) no longer adds to the first answer. Run before
 * the requests are written, it would delay them instead: hence their 'finish', not a timer.
 * A first invocation that sends no request (e.g. a refused body) leaves it to the next one's.
 */
export function whileRequestsInFlight(fn: () => void): void {
  const start = channel('http.client.request.start');
  const pending = new Set<ClientRequest>();
  let done = false;
  const maybeRun = () => {
    if (done || pending.size > 0) return;
    done = true;
    start.unsubscribe(onStart);
    fn();
  };
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    pending.add(request);
    const written = () => {
      pending.delete(request);
      // Requests started in the same turn (parallel reads) get their turn to be written.
      setImmediate(maybeRun);
    };
    request.once('finish', written);
    request.once('error', written);
  };
  start.subscribe(onStart);
}
