/** Saving generated content as files in the browser (a blob URL, never a network request). */

/** Offers `data` as a download named `name`. */
export function download(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const encoder = new TextEncoder();

/** Writes a POSIX ustar header field (NUL-padded). */
function field(block: Uint8Array, offset: number, length: number, value: string): void {
  block.set(encoder.encode(value).subarray(0, length), offset);
}

const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;

/**
 * A tar archive (POSIX.1-1988 ustar) of text files, for "Download all". Paths longer than 100 bytes
 * are split into the ustar prefix and name fields.
 */
export function tarOf(files: ReadonlyArray<{ path: string; content: string }>): Blob {
  const parts: Uint8Array[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const file of files) {
    const data = encoder.encode(file.content);
    const header = new Uint8Array(512);
    let name = file.path;
    let prefix = '';
    if (encoder.encode(name).length > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    field(header, 0, 100, name);
    field(header, 100, 8, octal(0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(data.length, 12));
    field(header, 136, 12, octal(mtime, 12));
    field(header, 148, 8, '        ');
    field(header, 156, 1, '0');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    field(header, 345, 155, prefix);
    const sum = header.reduce((n, b) => n + b, 0);
    field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    parts.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return new Blob(parts as BlobPart[], { type: 'application/x-tar' });
}
