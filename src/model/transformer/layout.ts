/**
 * Where each block of a transformer's parameters sits in its run's one flat array (SPEC 1.10).
 * This is the one place offsets are derived from the shape (V, d, T, layers): the twin, the
 * initialization, the gradients and (later) the kernel's storage layout all read it from here.
 *
 * Order: E (V × d), P (T × d), then per layer W_q, W_k, W_v, W_o (d × d), W_1 (d × 4d),
 * W_2 (4d × d). Every matrix is row-major d_in × d_out: row vectors multiply on the right
 * (q = a·W_q), so W[i][j] sits at offset + i·cols + j. E is V × d with token v's row at v·d
 * (logits = h·Eᵀ read the same rows).
 *
 * @example
 *   const layout = transformerLayout({ V: 16, d: 16, T: 8, layers: 1, heads: 2 });
 *   layout.size;                  // V·d + T·d + layers·12·d² = 3,328
 *   layout.layers[0].wq.offset;   // where W_q of layer 0 starts
 */

/** The shape of one run's model: vocabulary, width, positions, depth and heads. */
export interface TransformerShape {
  V: number; // vocabulary size (token embedding rows, logits)
  d: number; // model width
  T: number; // positions: prompt length + response length
  layers: number; // transformer blocks
  heads: number; // attention heads, each of width d / heads
}

/** One matrix block of the flat parameter array. */
export interface ParameterBlock {
  name: string; // 'E', 'P', 'layer0.wq', …
  offset: number; // first element in the run's array
  rows: number; // d_in (V for E, T for P)
  cols: number; // d_out (d for E and P)
  /** Standard deviation of its GPT-2 initialization. */
  initStd: number;
}

/** The blocks of one layer. */
export interface LayerBlocks {
  wq: ParameterBlock;
  wk: ParameterBlock;
  wv: ParameterBlock;
  wo: ParameterBlock;
  w1: ParameterBlock; // MLP d × 4d
  w2: ParameterBlock; // MLP 4d × d
}

export interface TransformerLayout {
  shape: TransformerShape;
  embedding: ParameterBlock;
  positions: ParameterBlock;
  layers: LayerBlocks[];
  /** Every block in storage order. */
  blocks: ParameterBlock[];
  /** Parameters per run. */
  size: number;
}

/** GPT-2's initialization scale: every matrix N(0, 0.02²). */
export const INIT_STD = 0.02;

/** The parameter layout of a model of shape `shape`. */
export function transformerLayout(shape: TransformerShape): TransformerLayout {
  const { V, d, T, layers } = shape;
  const blocks: ParameterBlock[] = [];
  let offset = 0;
  const block = (name: string, rows: number, cols: number, initStd: number): ParameterBlock => {
    const b = { name, offset, rows, cols, initStd };
    offset += rows * cols;
    blocks.push(b);
    return b;
  };
  // GPT-2 scales the projections into the residual stream by 1/√(2·layers): two per layer.
  const residualStd = INIT_STD / Math.sqrt(2 * layers);
  const embedding = block('E', V, d, INIT_STD);
  const positions = block('P', T, d, INIT_STD);
  const layerBlocks: LayerBlocks[] = [];
  for (let l = 0; l < layers; l++) {
    layerBlocks.push({
      wq: block(`layer${l}.wq`, d, d, INIT_STD),
      wk: block(`layer${l}.wk`, d, d, INIT_STD),
      wv: block(`layer${l}.wv`, d, d, INIT_STD),
      wo: block(`layer${l}.wo`, d, d, residualStd),
      w1: block(`layer${l}.w1`, d, 4 * d, INIT_STD),
      w2: block(`layer${l}.w2`, 4 * d, d, residualStd),
    });
  }
  return { shape: { ...shape }, embedding, positions, layers: layerBlocks, blocks, size: offset };
}
