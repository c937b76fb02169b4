import { TensorDataType, type TensorDataTypeName } from './onnx-proto.js';

/** A constant tensor: flat data plus dims, as onnxruntime's own `Tensor` holds it. */
export type TensorSpec =
  | { type: 'FLOAT'; data: ArrayLike<number>; dims: readonly number[] }
  | { type: 'DOUBLE'; data: ArrayLike<number>; dims: readonly number[] }
  | { type: 'INT64'; data: ArrayLike<number | bigint>; dims: readonly number[] }
  | { type: 'INT32'; data: ArrayLike<number>; dims: readonly number[] }
  | { type: 'STRING'; data: readonly string[]; dims: readonly number[] };

const utf8 = new TextEncoder();

function rawBytes(type: TensorDataTypeName, data: ArrayLike<number | bigint>): Uint8Array {
  // raw_data is little-endian, which every platform Cirrus runs on is natively.
  switch (type) {
    case 'FLOAT':
      return new Uint8Array(Float32Array.from(data as ArrayLike<number>).buffer);
    case 'DOUBLE':
      return new Uint8Array(Float64Array.from(data as ArrayLike<number>).buffer);
    case 'INT32':
      return new Uint8Array(Int32Array.from(data as ArrayLike<number>).buffer);
    case 'INT64':
      return new Uint8Array(BigInt64Array.from(Array.from(data, (v) => BigInt(v))).buffer);
    default:
      throw new Error(`no raw encoding for ${type}`);
  }
}

/** Encodes a constant tensor as a plain TensorProto object for protobufjs. */
export function tensorProto(name: string, spec: TensorSpec): Record<string, unknown> {
  const expected = spec.dims.reduce((a, b) => a * b, 1);
  if (spec.data.length !== expected) {
    throw new Error(`tensor ${name}: ${spec.data.length} values for dims [${spec.dims.join(', ')}]`);
  }
  const base = { name, dims: [...spec.dims], data_type: TensorDataType[spec.type] };
  if (spec.type === 'STRING') {
    return { ...base, string_data: spec.data.map((s) => utf8.encode(s)) };
  }
  return { ...base, raw_data: rawBytes(spec.type, spec.data) };
}
