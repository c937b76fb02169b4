/** The console's one HTML page: a shell the bundle renders into. */
export function consoleHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cirrus console</title>
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
