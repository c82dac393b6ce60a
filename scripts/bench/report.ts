import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';

export interface CurvePoint {
  label: string;
  recall: number;
  latencyMs: number;
}

export interface Curve {
  name: string;
  colour: string;
  points: CurvePoint[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Recall@10 (y) against p50 latency (x, log scale) for each curve; plain SVG, no fonts required beyond sans-serif. */
export function recallLatencySvg(title: string, curves: readonly Curve[]): string {
  const width = 800;
  const height = 520;
  const pad = { left: 70, right: 30, top: 50, bottom: 60 };
  const all = curves.flatMap((c) => c.points);
  const xs = all.map((p) => Math.max(p.latencyMs, 1e-3));
  const minX = Math.log10(Math.min(...xs)) - 0.1;
  const maxX = Math.log10(Math.max(...xs)) + 0.1;
  const minY = Math.max(0, Math.floor(Math.min(...all.map((p) => p.recall)) * 10) / 10);
  const maxY = 1;
  const px = (ms: number) =>
    pad.left + ((Math.log10(Math.max(ms, 1e-3)) - minX) / (maxX - minX)) * (width - pad.left - pad.right);
  const py = (r: number) => height - pad.bottom - ((r - minY) / (maxY - minY || 1)) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="16">${esc(title)}</text>`,
  ];
  for (let e = Math.ceil(minX); e <= Math.floor(maxX); e++) {
    for (const mult of [1, 2, 5]) {
      const v = mult * 10 ** e;
      if (Math.log10(v) < minX || Math.log10(v) > maxX) continue;
      const x = px(v);
      parts.push(`<line x1="${x}" y1="${pad.top}" x2="${x}" y2="${height - pad.bottom}" stroke="#e5e5e5"/>`);
      parts.push(
        `<text x="${x}" y="${height - pad.bottom + 18}" text-anchor="middle">${v >= 1 ? v : v.toPrecision(1)}</text>`,
      );
    }
  }
  for (let r = minY; r <= maxY + 1e-9; r += (maxY - minY) / 5 || 0.1) {
    const y = py(r);
    parts.push(`<line x1="${pad.left}" y1="${y}" x2="${width - pad.right}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${pad.left - 8}" y="${y + 4}" text-anchor="end">${r.toFixed(2)}</text>`);
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="none" stroke="#333"/>`,
  );
  parts.push(
    `<text x="${width / 2}" y="${height - 15}" text-anchor="middle">p50 search latency, ms (log scale)</text>`,
  );
  parts.push(
    `<text transform="translate(20 ${height / 2}) rotate(-90)" text-anchor="middle">recall@10 vs exact scan</text>`,
  );
  curves.forEach((curve, ci) => {
    const pts = curve.points.map((p) => `${px(p.latencyMs).toFixed(1)},${py(p.recall).toFixed(1)}`);
    if (pts.length > 1)
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${curve.colour}" stroke-width="2"/>`);
    for (const p of curve.points) {
      const x = px(p.latencyMs);
      const y = py(p.recall);
      parts.push(`<circle cx="${x}" cy="${y}" r="4" fill="${curve.colour}"/>`);
      parts.push(`<text x="${x + 6}" y="${y + 14}" font-size="11" fill="${curve.colour}">${esc(p.label)}</text>`);
    }
    // Bottom right: high-recall points crowd the top of the chart.
    const ly = height - pad.bottom - 14 - (curves.length - 1 - ci) * 20;
    parts.push(`<rect x="${width - pad.right - 190}" y="${ly - 10}" width="12" height="12" fill="${curve.colour}"/>`);
    parts.push(`<text x="${width - pad.right - 172}" y="${ly}">${esc(curve.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders the SVG to PNG with rsvg-convert or ImageMagick, whichever is installed; false when neither is. */
export async function writePng(svg: string, pngPath: string): Promise<boolean> {
  const svgPath = `${pngPath}.tmp.svg`;
  await fs.writeFile(svgPath, svg);
  try {
    for (const [cmd, args] of [
      ['rsvg-convert', ['-o', pngPath, svgPath]],
      ['convert', [svgPath, pngPath]],
    ] as const) {
      try {
        execFileSync(cmd, [...args], { stdio: 'ignore' });
        return true;
      } catch {
        // Try the next converter.
      }
    }
    return false;
  } finally {
    await fs.rm(svgPath, { force: true });
  }
}

/** A markdown table; numbers are printed as given. */
export function table(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const sep = head.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
