import protobuf from 'protobufjs';

/**
 * A lossless codec for ONNX models Cirrus did not write (imports). Every field of the messages
 * it walks is declared (field numbers from onnx/onnx.proto, IR 11); messages it never inspects
 * (tensors, subgraphs, functions, training info) are declared as `bytes`, which shares their wire
 * type, so decode + encode passes them through byte for byte. proto2 keeps field presence.
 */
const ONNX_SHALLOW_PROTO = `
syntax = "proto2";
package onnxshallow;
message StringStringEntryProto { optional string key = 1; optional string value = 2; }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto {
  optional int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2; optional string producer_version = 3; optional string domain = 4;
  optional int64 model_version = 5; optional string doc_string = 6; optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14; repeated bytes training_info = 20;
  repeated bytes functions = 25; repeated bytes configuration = 26;
}
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated bytes initializer = 5;
  repeated bytes sparse_initializer = 15; optional string doc_string = 10;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13; repeated bytes quantization_annotation = 14;
  repeated bytes metadata_props = 16;
}
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3;
  optional string op_type = 4; optional string domain = 7; optional string overload = 8;
  repeated AttributeProto attribute = 5; optional string doc_string = 6;
  repeated bytes metadata_props = 9; repeated bytes device_configurations = 10;
}
message AttributeProto {
  optional string name = 1; optional string ref_attr_name = 21; optional string doc_string = 13;
  optional int32 type = 20; optional float f = 2; optional int64 i = 3; optional bytes s = 4;
  optional bytes t = 5; optional bytes g = 6; optional bytes sparse_tensor = 22; optional bytes tp = 14;
  repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9;
  repeated bytes tensors = 10; repeated bytes graphs = 11; repeated bytes sparse_tensors = 23;
  repeated bytes type_protos = 15;
}
message ValueInfoProto {
  optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3;
  repeated bytes metadata_props = 4;
}
message TensorShapeProto {
  message Dimension {
    oneof value { int64 dim_value = 1; string dim_param = 2; }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  message Sequence { optional TypeProto elem_type = 1; }
  message Map { optional int32 key_type = 1; optional TypeProto value_type = 2; }
  message Optional { optional TypeProto elem_type = 1; }
  oneof value {
    Tensor tensor_type = 1; Sequence sequence_type = 4; Map map_type = 5; Optional optional_type = 9;
    Tensor sparse_tensor_type = 8;
  }
  optional string denotation = 6;
}
message TensorProto {
  repeated int64 dims = 1; optional int32 data_type = 2; repeated float float_data = 4;
  repeated int32 int32_data = 5; repeated bytes string_data = 6; repeated int64 int64_data = 7;
  optional string name = 8; optional bytes raw_data = 9; repeated double double_data = 10;
}
`;

const root = protobuf.parse(ONNX_SHALLOW_PROTO, { keepCase: true }).root;
const ModelType = root.lookupType('onnxshallow.ModelProto');
const TensorType = root.lookupType('onnxshallow.TensorProto');

export interface Dim {
  dim_value?: number;
  dim_param?: string;
}
export interface TypeInfo {
  tensor_type?: { elem_type?: number; shape?: { dim?: Dim[] } };
  sequence_type?: { elem_type?: TypeInfo };
  map_type?: { key_type?: number; value_type?: TypeInfo };
  optional_type?: { elem_type?: TypeInfo };
  sparse_tensor_type?: unknown;
}
export interface ValueInfo {
  name: string;
  type?: TypeInfo;
  doc_string?: string;
}
export interface AttributeInfo {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface NodeInfo {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute: AttributeInfo[];
}
export interface GraphInfo {
  node: NodeInfo[];
  name?: string;
  initializer: Uint8Array[];
  input: ValueInfo[];
  output: ValueInfo[];
  value_info: ValueInfo[];
}
export interface ModelInfo {
  ir_version?: number;
  opset_import: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  graph?: GraphInfo;
  metadata_props: { key?: string; value?: string }[];
  functions: Uint8Array[];
}

/** Decodes ONNX bytes; throws protobufjs's error on bytes that are not a ModelProto. */
export function decodeModel(bytes: Uint8Array): ModelInfo {
  const message = ModelType.decode(bytes);
  return ModelType.toObject(message, {
    longs: Number,
    arrays: true,
    defaults: false,
    oneofs: false,
  }) as unknown as ModelInfo;
}

/** Encodes a (possibly edited) decoded model back to bytes. */
export function encodeModel(model: ModelInfo): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/** Encodes a 1-D int64 tensor initializer (for Reshape shapes, Gather indices, Squeeze axes). */
export function int64Initializer(name: string, values: readonly number[], dims: number[]): Uint8Array {
  return TensorType.encode(
    TensorType.fromObject({ name, data_type: 7, dims, int64_data: values.map((v) => v) }),
  ).finish();
}

/** The name of a TensorProto kept as bytes (graph initializers). */
export function initializerName(bytes: Uint8Array): string {
  return (TensorType.decode(bytes) as unknown as { name?: string }).name ?? '';
}
