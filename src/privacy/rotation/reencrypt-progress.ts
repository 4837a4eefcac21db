import { Presets, SingleBar } from 'cli-progress';
import type { ReencryptProgress } from './reencrypt.js';

/** Where a command writes; a terminal says so with `isTTY`. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressDisplay {
  onProgress(event: ReencryptProgress): void;
  /** Ends the display (the bar's last frame), before the summary is written. */
  stop(): void;
}

/** A progress bar on a terminal; a line per batch and per collection anywhere else (logs, CI). */
export function reencryptProgress(out: Output): ProgressDisplay {
  return out.isTTY ? new BarDisplay(out as Output & NodeJS.WritableStream) : new LineDisplay(out);
}

class BarDisplay implements ProgressDisplay {
  private readonly bar: SingleBar;
  private started = false;

  constructor(stream: NodeJS.WritableStream) {
    this.bar = new SingleBar(
      {
        stream,
        format: 're-encrypting [{bar}] {percentage}% | {value}/{total} records | {collection}',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
  }

  onProgress(event: ReencryptProgress): void {
    switch (event.kind) {
      case 'start':
        this.bar.start(event.total, event.done, { collection: '' });
        this.started = true;
        return;
      case 'batch':
        this.bar.setTotal(event.total);
        this.bar.update(event.done, { collection: event.collection });
        return;
      case 'collection':
        this.bar.setTotal(event.total);
        this.bar.update(event.done, { collection: `${event.progress.collection} done` });
        return;
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

class LineDisplay implements ProgressDisplay {
  constructor(private readonly out: Output) {}

  onProgress(event: ReencryptProgress): void {
    switch (event.kind) {
      case 'start':
        this.out.write(
          `re-encrypting to key version ${event.keyVersion}: ${event.total} records` +
            (event.resumed ? `, ${event.done} done by an earlier run` : '') +
            '\n',
        );
        return;
      case 'batch':
        this.out.write(
          `${event.collection}: ${event.scanned}/${event.collectionTotal} ` +
            `(all: ${event.done}/${event.total})\n`,
        );
        return;
      case 'collection': {
        const p = event.progress;
        this.out.write(
          `${p.collection}: done, ${p.scanned} records, ${p.reencrypted} re-encrypted, ` +
            `${p.failed} failed\n`,
        );
        return;
      }
    }
  }

  stop(): void {}
}
