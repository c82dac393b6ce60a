import cliProgress from 'cli-progress';

/** A progress bar on a terminal, plain periodic lines elsewhere (CI logs). */
export function progressBar(label: string) {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {stage}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done: number, total: number | null, stage = '') {
        if (!started) {
          bar.start(total ?? done, done, { stage });
          started = true;
        }
        if (total !== null) bar.setTotal(total);
        bar.update(done, { stage });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(done: number, total: number | null, stage = '') {
      const now = Date.now();
      if (now - last < 2000 && done !== total) return;
      last = now;
      process.stderr.write(`${label}: ${done}${total !== null ? `/${total}` : ''} ${stage}\n`);
    },
    stop() {},
  };
}

/** The text with C0/C1 control characters (terminal escape sequences among them) shown as \u escapes. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this function's purpose
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
