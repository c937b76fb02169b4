import { AttributeType } from './onnx-proto.js';
import type { TensorSpec } from './tensor.js';
import { tensorProto } from './tensor.js';

/** An ONNX node attribute, tagged with its type so 1 (int) and 1.0 (float) cannot be confused. */
export type Attr =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number | bigint }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: ArrayLike<number> }
  | { type: 'ints'; value: ArrayLike<number | bigint> }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'tensor'; value: TensorSpec };

/** Attribute constructors: `attr.int(1)`, `attr.floats([0.5, 1])`, ... */
export const attr = {
  float: (value: number): Attr => ({ type: 'float', value }),
  int: (value: number | bigint): Attr => ({ type: 'int', value }),
  string: (value: string): Attr => ({ type: 'string', value }),
  floats: (value: ArrayLike<number>): Attr => ({ type: 'floats', value }),
  ints: (value: ArrayLike<number | bigint>): Attr => ({ type: 'ints', value }),
  strings: (value: readonly string[]): Attr => ({ type: 'strings', value }),
  tensor: (value: TensorSpec): Attr => ({ type: 'tensor', value }),
};

const utf8 = new TextEncoder();

/** Encodes one attribute as a plain object ready for protobufjs. */
export function attributeProto(name: string, a: Attr): Record<string, unknown> {
  switch (a.type) {
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'int':
      return { name, type: AttributeType.INT, i: Number(a.value) };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(a.value) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: Array.from(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: Array.from(a.value, Number) };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorProto('value', a.value) };
  }
}
