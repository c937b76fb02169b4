import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { FUNCTION_DEFAULTS, METRICS_NAMESPACE } from '../defaults.js';
import { REPO_ROOT, repoPath } from '../paths.js';

/**
 * Node.js 24, the current LTS, as the trainer image (training/Dockerfile). The bundle targets
 * node20 syntax, so the code that runs here on Node 20 runs there too; onnxruntime-node's
 * N-API addon is ABI-stable across Node versions.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Packages left out of the bundle: native addons esbuild cannot bundle (shipped as a layer). */
export const EXTERNAL_MODULES = ['onnxruntime-node'];

// ESM output; CommonJS dependencies bundled into it still call require/__dirname.
const ESM_BANNER = [
  "import { createRequire as __cirrusCreateRequire } from 'node:module';",
  "import { fileURLToPath as __cirrusFileURLToPath } from 'node:url';",
  "import { dirname as __cirrusDirname } from 'node:path';",
  'const require = __cirrusCreateRequire(import.meta.url);',
  'const __filename = __cirrusFileURLToPath(import.meta.url);',
  'const __dirname = __cirrusDirname(__filename);',
].join(' ');

/**
 * How every function is bundled (esbuild through NodejsFunction): one source for the construct
 * and for whatever must reproduce its asset without a synth (bench/lambda.ts).
 */
export const LAMBDA_BUNDLE = {
  target: 'node20',
  mainFields: ['module', 'main'],
  banner: ESM_BANNER,
  externalModules: EXTERNAL_MODULES,
  minify: true,
  // Errors take their name from their class (core/errors.ts), and a state machine's Catch
  // and Fail state read that name: minified, ValidationError would arrive as "t".
  keepNames: true,
  sourceMap: true,
  sourcesContent: false,
} as const;

/**
 * How a function's stack traces stay readable. `runtime` (the default): minified, and Node maps
 * frames through the shipped source map (`--enable-source-maps`). `names`: identifiers are not
 * minified, so frames name the real functions and classes without a map at run time (the map is
 * still shipped, to map a frame by hand); a function whose cold start counts uses it, because
 * reading and decoding the map at load is a large part of the start (bench/lambda.ts).
 */
export type StackTraces = 'runtime' | 'names';

/** What one function's bundle does differently from LAMBDA_BUNDLE (e.g. PREDICT_BUNDLE). */
export interface BundleVariant {
  /** @default 'runtime' */
  readonly stackTraces?: StackTraces;
  /** Package name -> repository-relative file that replaces it in this bundle. @default - none */
  readonly alias?: Readonly<Record<string, string>>;
}

function aliasPaths(variant: BundleVariant): Record<string, string> {
  return Object.fromEntries(Object.entries(variant.alias ?? {}).map(([from, to]) => [from, repoPath(to)]));
}

/** LAMBDA_BUNDLE as esbuild's own build options: the function's `index.mjs` at `outfile`. */
export function lambdaBuildOptions(
  entry: string,
  outfile: string,
  variant: BundleVariant = {},
): BuildOptions {
  return {
    entryPoints: [repoPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external: [...LAMBDA_BUNDLE.externalModules],
    ...(variant.stackTraces === 'names'
      ? { minifyWhitespace: true, minifySyntax: true }
      : { minify: LAMBDA_BUNDLE.minify }),
    alias: aliasPaths(variant),
    keepNames: LAMBDA_BUNDLE.keepNames,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    tsconfig: repoPath('tsconfig.json'),
    logLevel: 'warning',
  };
}

/** The environment every function starts with: Powertools' settings and Node's options. */
export function functionEnvironment(serviceName: string, variant: BundleVariant = {}): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...(variant.stackTraces !== 'names' ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  };
}

/** NodejsFunction's switches for a variant, on top of LAMBDA_BUNDLE (the same as lambdaBuildOptions'). */
function variantBundling(variant: BundleVariant) {
  const args: Record<string, string | boolean> = {};
  for (const [from, to] of Object.entries(aliasPaths(variant))) args[`--alias:${from}`] = to;
  if (variant.stackTraces !== 'names') return { esbuildArgs: args };
  // Whitespace and syntax minified, identifiers kept.
  return { minify: false, esbuildArgs: { ...args, '--minify-whitespace': true, '--minify-syntax': true } };
}

export interface CirrusFunctionProps {
  /** Repository-relative entry file exporting `handler` (see infra/entries.ts). */
  readonly entry: string;
  /** Powertools service name: log key `service`, metric dimension `service`, trace segment. */
  readonly serviceName: string;
  /** Environment on top of the Powertools variables. */
  readonly environment?: Record<string, string>;
  /**
   * Repository folders copied beside the bundle (`/var/task/<folder>`), for files the code
   * reads at run time rather than imports (the built-in datasets). @default - none
   */
  readonly bundleFolders?: readonly string[];
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default - none */
  readonly layers?: ILayerVersion[];
  /** Retention of the function's own log group. */
  readonly logRetention: RetentionDays;
  /** Removal policy of the log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** Human-readable description. */
  readonly description?: string;
  /** Reserved concurrency (a cap and a guarantee). @default - none */
  readonly reservedConcurrentExecutions?: number;
  /** How this function's bundle differs from LAMBDA_BUNDLE. @default - none */
  readonly bundle?: BundleVariant;
  /** A fixed name, for a function whose own grants must name it. @default - generated */
  readonly functionName?: string;
}

/**
 * A Cirrus handler as a Lambda function: bundled locally by esbuild (no Docker) to one ESM
 * file, Node.js 24 on x86_64 (the onnxruntime layer ships the linux-x64 binary), X-Ray
 * tracing active, Powertools configured by environment, and a log group with retention.
 */
export class CirrusFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CirrusFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    super(scope, id, {
      entry: repoPath(props.entry),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.X86_64,
      memorySize: props.memorySize ?? FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? FUNCTION_DEFAULTS.timeout,
      description: props.description,
      functionName: props.functionName,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      layers: props.layers,
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      environment: { ...functionEnvironment(props.serviceName, props.bundle), ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        ...LAMBDA_BUNDLE,
        ...variantBundling(props.bundle ?? {}),
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        externalModules: [...LAMBDA_BUNDLE.externalModules],
        tsconfig: repoPath('tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            (props.bundleFolders ?? []).map(
              (folder) => `cp -R "${inputDir}/${folder}" "${outputDir}/${folder}"`,
            ),
        },
      },
    });
  }
}
