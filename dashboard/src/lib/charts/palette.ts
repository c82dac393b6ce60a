/** Distinguishable, calm series colours (colour-blind friendly order). */
export const seriesColors = ['#2f7d6d', '#c26a1b', '#4a62b5', '#a3417a', '#6b8e23', '#7a5c3e', '#3b8bb0', '#8a6fb8'];

export function seriesColor(i: number): string {
  return seriesColors[i % seriesColors.length]!;
}
