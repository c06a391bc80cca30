import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SegmentMessage } from '../domain/segment-events.js';
import type { SegmentPort } from '../segment-publisher.js';
import { DatasetWriteError } from './dataset-writer.js';

/**
 * The SegmentPort without Segment (no write key): one JSON line per call that would have been made, in the order
 * they were made, in `<DATASET_DIR>/segment.jsonl`. messageIds already in the file (an earlier run on the same
 * folder, or redelivery) are not written again, as Segment would drop them.
 */
export class JsonlSegmentFile implements SegmentPort {
  private readonly seen = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private opened: Promise<void> | undefined;

  constructor(readonly file: string) {}

  /** Reads the messageIds already written; a torn last line (a crash mid-append) is cut off so appends stay valid. */
  open(): Promise<void> {
    this.opened ??= this.load();
    return this.opened;
  }

  send(message: SegmentMessage): Promise<void> {
    const write = this.chain.then(async () => {
      await this.open();
      if (this.seen.has(message.messageId)) return;
      try {
        await appendFile(this.file, `${JSON.stringify(message)}\n`);
      } catch (cause) {
        throw new DatasetWriteError(`appending to ${this.file} failed: ${(cause as Error).message}`, {
          cause,
        });
      }
      this.seen.add(message.messageId);
    });
    // A failed append is the caller's error; the next one must still run.
    this.chain = write.catch(() => undefined);
    return write;
  }

  async close(): Promise<void> {
    await this.chain;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new DatasetWriteError(`cannot read ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    if (text.length > 0 && !text.endsWith('\n')) {
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      await writeFile(this.file, text);
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const { messageId } = JSON.parse(line) as { messageId?: unknown };
        if (typeof messageId === 'string') this.seen.add(messageId);
      } catch {
        // A line that is not JSON names no messageId; keeping it untouched is safer than rewriting the file.
      }
    }
  }
}
