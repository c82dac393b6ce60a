/**
 * Port for sentence encoders. Implementations return one L2-normalised vector per input text,
 * in input order, and batch internally.
 */
export interface EmbeddingProvider {
  /** Stable model id recorded next to every stored vector ("use-lite"); changing it re-embeds everything. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}
