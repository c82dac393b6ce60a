/**
 * Bounded min-heap that keeps the k best (score, label) pairs seen. The root is the weakest kept
 * entry, so a candidate is rejected with one comparison. Equal scores prefer the lower label so
 * results are deterministic.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly labels: Float64Array;
  private count = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.labels = new Float64Array(k);
  }

  get size(): number {
    return this.count;
  }

  /** Whether a candidate with this score could enter; cheap pre-check before filtering. */
  admits(score: number): boolean {
    return this.count < this.k || score >= this.scores[0]!;
  }

  push(score: number, label: number): void {
    if (this.count < this.k) {
      this.siftUp(this.count++, score, label);
    } else if (this.better(score, label, this.scores[0]!, this.labels[0]!)) {
      this.siftDown(score, label);
    }
  }

  /** Entries best first; leaves the heap empty. */
  drain(): { label: number; score: number }[] {
    const out = new Array<{ label: number; score: number }>(this.count);
    for (let i = this.count - 1; i >= 0; i--) {
      out[i] = { label: this.labels[0]!, score: this.scores[0]! };
      const lastScore = this.scores[this.count - 1]!;
      const lastLabel = this.labels[this.count - 1]!;
      this.count--;
      if (this.count > 0) this.siftDown(lastScore, lastLabel);
    }
    return out;
  }

  private better(s1: number, l1: number, s2: number, l2: number): boolean {
    return s1 > s2 || (s1 === s2 && l1 < l2);
  }

  private siftUp(index: number, score: number, label: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(this.scores[parent]!, this.labels[parent]!, score, label)) break;
      this.scores[i] = this.scores[parent]!;
      this.labels[i] = this.labels[parent]!;
      i = parent;
    }
    this.scores[i] = score;
    this.labels[i] = label;
  }

  /** Places (score, label) at the root and restores heap order. */
  private siftDown(score: number, label: number): void {
    const n = this.count;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        this.better(this.scores[child]!, this.labels[child]!, this.scores[right]!, this.labels[right]!)
      ) {
        child = right;
      }
      if (!this.better(score, label, this.scores[child]!, this.labels[child]!)) break;
      this.scores[i] = this.scores[child]!;
      this.labels[i] = this.labels[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.labels[i] = label;
  }
}
