import type { DemoContext } from './context.js';

/** The closing lines: how to call the API with curl (and the CLI) from here on. */
export function curlHowTo(ctx: DemoContext, serve: { url: string; startCommand?: string }): void {
  const { ui, names, rows } = ctx;
  const token = ctx.client.token;
  const auth = token ? ` \\\n    -H "Authorization: Bearer ${token}"` : '';
  const body = JSON.stringify({ features: rows[0]!.features });
  ui.step('Call the API yourself');
  if (serve.startCommand) ui.line(`start the platform with this demo's data:  ${serve.startCommand}`);
  ui.line(
    `curl ${serve.url}/v1/endpoints/${names.endpoint}/predict${auth} \\\n    -H "content-type: application/json" -d '${body}'`,
  );
  ui.line(`curl ${serve.url}/v1/models/${names.experiment}${auth}`);
  ui.line(
    `curl -X PUT ${serve.url}/v1/predictions/<requestId>/feedback${auth} \\\n    -H "content-type: application/json" -d '{"actual": "${rows[0]!.actual}"}'`,
  );
  ui.line(`API docs: ${serve.url}/docs    the same from the CLI: cirrus --help`);
}
