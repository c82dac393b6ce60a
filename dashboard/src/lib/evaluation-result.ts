// The OpenAPI document types a finished job's result as unknown, so the evaluation result's type is
// taken from the engine's own definition rather than restated here.
import type { EvaluationResult } from '../../../engine/src/evaluation/run-evaluation.js';

/** What a finished evaluation job holds: the result plus the id its exports are downloaded by. */
export type EvaluationRunResult = EvaluationResult & { runId: string };
