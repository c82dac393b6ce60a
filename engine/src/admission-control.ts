import { AppError } from './errors.js';

/** Seconds an overloaded engine asks a client to wait: a burst that filled the queue drains in well under one. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

export interface AdmissionLimits {
  /** Questions worked on at once; 0 turns admission control off (every question waits in the embedder's queue). */
  maxInFlight: number;
  /** Questions waiting for a place, first come first served; one more is refused at once. */
  maxQueued: number;
}

/**
 * Bounds the questions the engine works on at once plus a short queue, so that an admitted question waits at most
 * (in flight + queued) questions' work instead of behind every open connection, and the rest are refused at once
 * with 503 OVERLOADED and Retry-After, which a client or a load balancer can send elsewhere or retry
 * (docs/resilience.md says how the limits were chosen).
 */
export class AdmissionGate {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limits: AdmissionLimits) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.limits.maxInFlight === 0) return work();
    if (this.inFlight >= this.limits.maxInFlight) {
      if (this.waiting.length >= this.limits.maxQueued) {
        throw new AppError('OVERLOADED', { seconds: OVERLOADED_RETRY_AFTER_SECONDS });
      }
      // The place is handed over by the question that leaves, so inFlight stays counted for this one.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.inFlight++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  /** Questions worked on and waiting now (for tests and the soak report). */
  load(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.waiting.length };
  }
}
