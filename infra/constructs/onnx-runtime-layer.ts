import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  installedPackageDir,
  onnxRuntimeVersion,
  prepareOnnxRuntimeLayer,
} from '../assets/onnx-runtime-layer.js';
import { LAMBDA_RUNTIME } from './cirrus-function.js';

// Bump when prepareOnnxRuntimeLayer changes what it copies: the asset hash does not read sources.
const LAYER_FORMAT = 1;

/**
 * A Lambda layer with `onnxruntime-node` for linux-x64, built at synth by copying the installed
 * package (no network, no Docker). esbuild cannot bundle the native addon, so the functions mark
 * it external and resolve it from `/opt/nodejs/node_modules`.
 */
export class OnnxRuntimeLayer extends Construct {
  readonly layer: LayerVersion;
  /** Version of onnxruntime-node in the layer. */
  readonly version: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const packageDir = installedPackageDir('onnxruntime-node');
    this.version = onnxRuntimeVersion(packageDir);
    this.layer = new LayerVersion(this, 'Layer', {
      description: `onnxruntime-node ${this.version} (linux-x64 binaries only)`,
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [Architecture.X86_64],
      // A custom hash: fingerprinting the 288 MB package on every synth would be slow, and the
      // version plus the copy format determine the output.
      code: Code.fromAsset(packageDir, {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `onnxruntime-node-${this.version}-linux-x64-v${LAYER_FORMAT}`,
        bundling: {
          // Never used: local bundling always succeeds. CDK requires an image to be named.
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs20.x'),
          local: {
            tryBundle(outputDir: string): boolean {
              prepareOnnxRuntimeLayer(outputDir, { packageDir });
              return true;
            },
          },
        },
      }),
    });
  }
}
