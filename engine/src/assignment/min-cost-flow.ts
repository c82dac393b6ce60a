import { type EdgeChoice, type TransportModel, topScore, unplacedPrices } from './transport-model.js';

/**
 * Scores become integer costs at this resolution, so that potentials and path lengths add up exactly: with
 * floating-point costs, rounding left reduced costs a hair below zero and Dijkstra's order unreliable.
 */
const COST_SCALE = 1e6;

/**
 * Min-cost flow by successive shortest paths (Dijkstra on reduced costs, Johnson potentials), one place at a
 * time: each of a mentee's places follows the cheapest path to a mentor with room or to the dummy sink, possibly
 * moving other mentees along the way. Each step leaves a min-cost flow for the places routed so far, so the order
 * of mentees does not change the optimum. A search stops as soon as it reaches the sink and touches only what it
 * settled, which keeps it small when most mentees get a mentor with room: 5,000 mentees over 100,000 mentors
 * take well under a second (docs/benchmarks.md), where the same model as a linear programme took far longer.
 */
export function solveMinCostFlow(model: TransportModel): EdgeChoice {
  const { menteeCount: n, mentorCount: m, edgeStart, edgeMentor, edgeMentee } = model;
  const edgeCount = edgeMentor.length;
  const top = Math.round(topScore(model) * COST_SCALE);
  const cost = new Float64Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) cost[e] = top - Math.round(model.edgeScore[e]! * COST_SCALE);
  const price = unplacedPrices(model, top);

  const sink = n + m;
  const nodes = n + m + 1;
  const potential = new Float64Array(nodes);
  const dist = new Float64Array(nodes);
  const stamp = new Int32Array(nodes);
  const settledAt = new Int32Array(nodes);
  // How a node was reached: an edge id (forward from a mentee into a mentor, or backward from a mentor to a
  // mentee), or for the sink −1 − node (a mentor with room, or a mentee giving up a place).
  const via = new Int32Array(nodes);
  const chosen: EdgeChoice = new Uint8Array(edgeCount);
  const unplaced = new Int32Array(n);
  const load = new Int32Array(m);
  const held: number[][] = new Array(m);
  const heap = new NodeHeap();
  const settled: number[] = [];
  let round = 0;

  for (let source = 0; source < n; source++) {
    for (let place = 0; place < model.demand[source]!; place++) {
      round++;
      settled.length = 0;
      heap.clear();
      stamp[source] = round;
      dist[source] = 0;
      heap.push(0, source);
      let sinkDist = Number.POSITIVE_INFINITY;
      const relax = (node: number, d: number, how: number): void => {
        if (stamp[node] !== round || d < dist[node]!) {
          stamp[node] = round;
          dist[node] = d;
          via[node] = how;
          heap.push(d, node);
        }
      };
      while (heap.size > 0) {
        const d = heap.topKey();
        const x = heap.pop();
        if (d > dist[x]! || settledAt[x] === round) continue;
        if (x === sink) {
          sinkDist = d;
          break;
        }
        settledAt[x] = round;
        settled.push(x);
        const px = potential[x]!;
        if (x < n) {
          for (let e = edgeStart[x]!; e < edgeStart[x + 1]!; e++) {
            if (chosen[e]) continue;
            const j = n + edgeMentor[e]!;
            relax(j, d + cost[e]! + px - potential[j]!, e);
          }
          const empty = unplaced[x]! < model.demand[x]! - 1 ? price.extra : price.last;
          relax(sink, d + empty + px - potential[sink]!, -1 - x);
        } else {
          const j = x - n;
          if (load[j]! < model.capacity[j]!) relax(sink, d + px - potential[sink]!, -1 - x);
          const list = held[j];
          if (list)
            for (const e of list) {
              const i = edgeMentee[e]!;
              relax(i, d - cost[e]! + px - potential[i]!, e);
            }
        }
      }
      for (const x of settled) potential[x]! += dist[x]! - sinkDist;
      // Walk back from the sink, flipping each edge on the path.
      const last = -1 - via[sink]!;
      if (last >= n) load[last - n]!++;
      else unplaced[last]!++;
      let node = last;
      while (node !== source) {
        const e = via[node]!;
        if (node >= n) {
          // Reached mentor `node` from a mentee through a forward edge: the pair is now chosen.
          chosen[e] = 1;
          const j = node - n;
          const list = held[j];
          if (list) list.push(e);
          else held[j] = [e];
          node = edgeMentee[e]!;
        } else {
          // Reached mentee `node` by taking it off a mentor: that pair is undone.
          chosen[e] = 0;
          const j = edgeMentor[e]!;
          const list = held[j]!;
          list.splice(list.indexOf(e), 1);
          node = n + j;
        }
      }
    }
  }
  return chosen;
}

/** A binary min-heap of (key, node) with lazy deletion (stale entries are skipped by the caller). */
class NodeHeap {
  private keys = new Float64Array(1024);
  private ids = new Int32Array(1024);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.keys = keys;
      this.ids = ids;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  pop(): number {
    const top = this.ids[0]!;
    const n = --this.size;
    const key = this.keys[n]!;
    const id = this.ids[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    return top;
  }
}
