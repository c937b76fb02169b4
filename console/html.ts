/**
 * The console's one HTML page: a shell the bundle renders into. `proxied` tells the page that
 * the server signs its API calls (`cirrus console`), so it asks for no token.
 */
export function consoleHtml(options: { proxied?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cirrus console</title>${options.proxied ? '\n<meta name="cirrus-auth" content="proxy">' : ''}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
</head>
<body>
<div id="app"><p class="loading">Loading the Cirrus console…</p></div>
<script type="module" src="/console/app.js"></script>
</body>
</html>
`;
}
