#!/usr/bin/env node
// Launcher: Cirrus runs its TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

// The SDK's notice that its 2027 releases need Node 22 says nothing about this command; the
// SDK's own switch silences it (set the variable to anything else to see it again).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
