/**
 * Progress of a copy, per container: a `cli-progress` bar when the stream is a terminal, otherwise a plain line at
 * the start, at most every `intervalMs` while pages go by, and at the end (CI logs, `2> copy.log`).
 * Shows container names and counts only, never document content.
 */
import cliProgress from 'cli-progress';
import type { CopyEvent } from './copy';

export interface ProgressReporter {
  onProgress(event: CopyEvent): void;
  /** Ends a bar left running by a failure, so the error line starts on a line of its own. */
  stop(): void;
}

export function progressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  opts: { intervalMs?: number } = {},
): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream, opts.intervalMs ?? 2_000);
}

function barReporter(stream: NodeJS.WritableStream): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress(e) {
      if (e.kind === 'container-start') {
        stop();
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: '{container} {bar} {percentage}% | {value}/{total} | {duration_formatted}',
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, e.done, { container: e.container.padEnd(8) });
      } else if (e.kind === 'page' && bar) {
        bar.setTotal(e.total);
        bar.update(e.done);
      } else if (e.kind === 'container-end') {
        stop();
      }
    },
    stop,
  };
}

function lineReporter(stream: NodeJS.WritableStream, intervalMs: number): ProgressReporter {
  let last = 0;
  const line = (container: string, done: number, total: number, suffix = '') => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    stream.write(`${container}: ${done} of ${total} (${pct}%)${suffix}\n`);
    last = Date.now();
  };
  let total = 0;
  return {
    onProgress(e) {
      if (e.kind === 'container-start') {
        total = e.total;
        line(e.container, e.done, e.total);
      } else if (e.kind === 'page') {
        total = e.total;
        if (Date.now() - last >= intervalMs) line(e.container, e.done, e.total);
      } else if (e.kind === 'container-end') {
        line(e.container, e.copied, Math.max(total, e.copied), ', done');
      }
    },
    stop: () => undefined,
  };
}
