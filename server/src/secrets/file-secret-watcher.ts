import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Called with the new content of a watched file (one trailing newline removed) and its path. */
export type FileSecretListener = (value: string, path: string) => void;

export interface FileSecretWatcherOptions {
  /** Quiet time after the last change event before files are re-read (a swap emits several). */
  debounceMs?: number;
  /** Re-read every file this often as well, in case the platform drops change events (0: never). */
  pollIntervalMs?: number;
  /** Where a failed re-read or a throwing listener is reported; the last value stays in use. */
  onError?: (err: Error, path: string) => void;
  /** Whether watching keeps the process alive (default false: it never holds a process open). */
  persistent?: boolean;
}

interface Watched {
  value: string;
  listeners: Set<FileSecretListener>;
}

/** The same rule as `AILA_*_FILE`: one trailing newline is not part of the secret. */
const contentOf = (text: string) => text.replace(/\r?\n$/, '');

/**
 * Follows secrets rendered to files by the Vault Agent Injector or the Secrets Store CSI driver,
 * and tells subscribers when one changes, without a restart. Both tools replace files atomically
 * (a rename, or the kubelet's `..data` symlink swap), so the file's own inode is never modified:
 * the watch is on the directory, and every watched file in it is re-read by path after any event.
 */
export class FileSecretWatcher {
  private readonly files = new Map<string, Watched>();
  private readonly dirs = new Map<string, FSWatcher>();
  private readonly debounceMs: number;
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: FileSecretWatcherOptions = {}) {
    this.debounceMs = options.debounceMs ?? 100;
    const pollMs = options.pollIntervalMs ?? 30000;
    if (pollMs > 0) {
      this.poll = setInterval(() => void this.reload(), pollMs);
      this.poll.unref();
    }
  }

  /**
   * Reads `path` now, returns its content and calls `listener` on every later change.
   * @throws Error when the file cannot be read.
   */
  async watch(path: string, listener: FileSecretListener): Promise<string> {
    const file = resolve(path);
    let watched = this.files.get(file);
    if (!watched) {
      watched = { value: contentOf(await readFile(file, 'utf8')), listeners: new Set() };
      this.files.set(file, watched);
      const dir = dirname(file);
      if (!this.dirs.has(dir)) {
        const watcher = watch(dir, { persistent: this.options.persistent === true }, () => this.changed());
        watcher.on('error', (err) => this.options.onError?.(err, dir));
        this.dirs.set(dir, watcher);
      }
    }
    watched.listeners.add(listener);
    return watched.value;
  }

  /** The current content of a watched file. */
  current(path: string): string | undefined {
    return this.files.get(resolve(path))?.value;
  }

  /** Re-reads every watched file now (also what change events and polling trigger). */
  reload(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await Promise.all([...this.files].map(([file, watched]) => this.reread(file, watched)));
      } while (this.again);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    for (const watcher of this.dirs.values()) watcher.close();
    this.dirs.clear();
    this.files.clear();
  }

  private changed(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), this.debounceMs);
    if (!this.options.persistent) this.debounce.unref();
  }

  private async reread(file: string, watched: Watched): Promise<void> {
    let value: string;
    try {
      value = contentOf(await readFile(file, 'utf8'));
    } catch (err) {
      // Mid-swap the path can briefly be missing; the next event or poll reads it again.
      this.options.onError?.(err as Error, file);
      return;
    }
    if (value === watched.value) return;
    watched.value = value;
    for (const listener of watched.listeners) {
      try {
        listener(value, file);
      } catch (err) {
        this.options.onError?.(err as Error, file);
      }
    }
  }
}
