import * as highsPackage from 'highs';
import type { Highs } from 'highs';
import { type EdgeChoice, type TransportModel, topScore, unplacedPrices } from './transport-model.js';

// The package's types read as CommonJS under NodeNext (the namespace's `default` would be the module), while the
// ESM build Node loads exports the loader itself as default.
const loadHighs = highsPackage.default as unknown as () => Promise<Highs>;

let runtime: Promise<Highs> | null = null;

/** HiGHS is WebAssembly: loaded once (about 60 ms), on first use. */
function highs(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

/**
 * The transportation model as a linear programme solved by HiGHS (dual simplex): one column per admissible pair
 * and two slack columns per mentee for unplaced places (see unplacedPrices); a row per mentee (its places, equality) and per mentor
 * (its room). The constraint matrix is totally unimodular, so a simplex vertex is integral; a fractional answer
 * would mean a bug in the model, and is refused rather than rounded.
 */
export async function solveWithHighs(model: TransportModel): Promise<EdgeChoice> {
  const h = await highs();
  const { menteeCount: n, mentorCount: m, edgeMentor, edgeMentee, edgeScore } = model;
  const edgeCount = edgeMentor.length;
  const top = topScore(model);
  const price = unplacedPrices(model, top);
  const numCols = edgeCount + 2 * n;
  const colCost = new Float64Array(numCols);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(2 * edgeCount + 2 * n);
  const values = new Float64Array(2 * edgeCount + 2 * n).fill(1);
  const colUpper = new Float64Array(numCols).fill(1);
  let k = 0;
  for (let e = 0; e < edgeCount; e++) {
    colCost[e] = top - edgeScore[e]!;
    starts[e] = k;
    indices[k++] = edgeMentee[e]!;
    indices[k++] = n + edgeMentor[e]!;
  }
  // Two slacks per mentee: all but one of its places at the `extra` price, the last at the `last` price.
  for (let i = 0; i < n; i++) {
    const col = edgeCount + 2 * i;
    colCost[col] = price.extra;
    colUpper[col] = Math.max(0, model.demand[i]! - 1);
    starts[col] = k;
    indices[k++] = i;
    colCost[col + 1] = price.last;
    starts[col + 1] = k;
    indices[k++] = i;
  }
  starts[numCols] = k;
  const rowLower = new Float64Array(n + m);
  const rowUpper = new Float64Array(n + m);
  for (let i = 0; i < n; i++) rowLower[i] = rowUpper[i] = model.demand[i]!;
  for (let j = 0; j < m; j++) {
    rowLower[n + j] = 0;
    rowUpper[n + j] = model.capacity[j]!;
  }
  return h.withModel(
    {
      numCols,
      numRows: n + m,
      sense: h.constants.objectiveSense.minimize,
      colCost,
      colLower: new Float64Array(numCols),
      colUpper,
      rowLower,
      rowUpper,
      matrix: { format: 'csc', numRows: n + m, numCols, starts, indices, values },
    },
    (lp) => {
      lp.options.set({ output_flag: false, solver: 'simplex' });
      const { modelStatus } = lp.run();
      if (modelStatus !== 7) throw new Error(`HiGHS ended with model status ${modelStatus}`);
      const x = lp.getSolution().colValue;
      const chosen: EdgeChoice = new Uint8Array(edgeCount);
      for (let e = 0; e < edgeCount; e++) {
        const v = x[e]!;
        if (Math.abs(v - Math.round(v)) > 1e-6) throw new Error('HiGHS returned a fractional vertex');
        chosen[e] = Math.round(v);
      }
      return chosen;
    },
  );
}
