/** A mentee's admissible candidates, best first, as indices into the mentor list. */
export interface AdmissibleList {
  wanted: number;
  mentors: readonly number[];
  scores: readonly number[];
}

/**
 * First come, first served: mentees in cohort order each take their best admissible mentors that still have
 * room. What matching one by one would do, and the baseline a coordinator compares the optimum with.
 */
export function greedyAssignment(
  lists: readonly AdmissibleList[],
  capacity: ArrayLike<number>,
): { chosen: number[][]; load: Int32Array } {
  const load = new Int32Array(capacity.length);
  const chosen = lists.map((list) => {
    const taken: number[] = [];
    for (let c = 0; c < list.mentors.length && taken.length < list.wanted; c++) {
      const j = list.mentors[c]!;
      if (load[j]! < capacity[j]!) {
        load[j]!++;
        taken.push(c);
      }
    }
    return taken;
  });
  return { chosen, load };
}
