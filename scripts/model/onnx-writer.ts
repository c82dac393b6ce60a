import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that a plain
 * inference graph needs, as protobufjs reflection JSON. Field numbers are the schema's; fields we
 * never write are left out, which protobuf readers accept.
 */
const onnxSchema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

const ModelProto = protobuf.Root.fromJSON(onnxSchema).lookupType('onnx.ModelProto');

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
type DataTypeValue = (typeof DataType)[keyof typeof DataType];

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export type AttributeValue = number | string | number[] | { ints: number[] } | { float: number } | TensorValue;
export interface TensorValue {
  dataType: DataTypeValue;
  dims: number[];
  data: Float32Array | Int8Array | Uint8Array | BigInt64Array | Int32Array;
}

interface Node {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

const CONTRIB_DOMAIN = 'com.microsoft';

/** A value flowing through the graph; `name` is its ONNX value name. */
export type Value = string;

function tensorBytes(data: TensorValue['data']): Uint8Array {
  // ONNX raw_data is little-endian, which typed arrays are on every platform Node runs on here.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function encodeTensor(name: string, t: TensorValue) {
  return { name, dims: t.dims, dataType: t.dataType, rawData: tensorBytes(t.data) };
}

function encodeAttribute(name: string, value: AttributeValue) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value, 'utf8') };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.TENSOR, t: encodeTensor('', value) };
}

/**
 * Builds an ONNX graph node by node. Value names are generated in call order, so the same build
 * steps always give byte-identical output.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Array<{ name: string; tensor: TensorValue }> = [];
  private readonly inputs: Array<{ name: string; elemType: DataTypeValue; shape: Array<number | string> }> = [];
  private readonly outputs: Array<{ name: string; elemType: DataTypeValue; shape: Array<number | string> }> = [];
  private counter = 0;

  input(name: string, elemType: DataTypeValue, shape: Array<number | string>): Value {
    this.inputs.push({ name, elemType, shape });
    return name;
  }

  output(value: Value, name: string, elemType: DataTypeValue, shape: Array<number | string>): void {
    this.op('Identity', [value], {}, name);
    this.outputs.push({ name, elemType, shape });
  }

  initializer(name: string, tensor: TensorValue): Value {
    this.initializers.push({ name, tensor });
    return name;
  }

  floats(name: string, dims: number[], data: Float32Array | number[]): Value {
    return this.initializer(name, { dataType: DataType.FLOAT, dims, data: Float32Array.from(data) });
  }

  int64s(name: string, data: number[]): Value {
    return this.initializer(name, {
      dataType: DataType.INT64,
      dims: [data.length],
      data: BigInt64Array.from(data.map(BigInt)),
    });
  }

  op(opType: string, inputs: Value[], attributes: Record<string, AttributeValue> = {}, outputName?: string): Value {
    const output = outputName ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, domain: '', inputs, outputs: [output], attributes });
    return output;
  }

  /** For ops with several outputs (Split); `domain` names an operator set other than the default one. */
  opMulti(
    opType: string,
    inputs: Value[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    domain = '',
  ): Value[] {
    const base = `${opType.toLowerCase()}_${this.counter++}`;
    const outputs = Array.from({ length: outputCount }, (_, i) => `${base}_${i}`);
    this.nodes.push({ opType, domain, inputs, outputs, attributes });
    return outputs;
  }

  /** An ONNX Runtime contrib op (operator set com.microsoft, version 1). */
  contribOp(opType: string, inputs: Value[], attributes: Record<string, AttributeValue> = {}): Value {
    return this.opMulti(opType, inputs, 1, attributes, CONTRIB_DOMAIN)[0]!;
  }

  /** Serialises to ONNX protobuf bytes. */
  encode(meta: {
    opset: number;
    producerName: string;
    producerVersion: string;
    docString: string;
    metadata: Record<string, string>;
  }): Uint8Array {
    const valueInfo = (v: { name: string; elemType: DataTypeValue; shape: Array<number | string> }) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: v.elemType,
          shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = {
      irVersion: 8,
      opsetImport: [
        { domain: '', version: meta.opset },
        ...(this.nodes.some((n) => n.domain === CONTRIB_DOMAIN) ? [{ domain: CONTRIB_DOMAIN, version: 1 }] : []),
      ],
      producerName: meta.producerName,
      producerVersion: meta.producerVersion,
      docString: meta.docString,
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'main',
        node: this.nodes.map((n, i) => ({
          name: `n${i}_${n.opType}`,
          opType: n.opType,
          ...(n.domain ? { domain: n.domain } : {}),
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attributes).map(([k, v]) => encodeAttribute(k, v)),
        })),
        initializer: this.initializers.map((i) => encodeTensor(i.name, i.tensor)),
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    const err = ModelProto.verify(model);
    if (err) throw new Error(`invalid ONNX model: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}
