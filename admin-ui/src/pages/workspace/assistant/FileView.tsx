/** A generated file: its path and language, highlighted code, and copy and download actions. */
import { useMemo } from 'react';
import type { GeneratedFile } from '../../../api/assistant.js';
import { CopyButton } from '../../../components/Copy.js';
import { Badge } from '../../../components/Feedback.js';
import { download } from '../../../lib/download.js';
import { formatNumber } from '../../../lib/format.js';
import { highlight } from '../../../markdown/highlight.js';

export function FileView({ file }: { file: GeneratedFile }) {
  const code = useMemo(() => highlight(file.content, file.language), [file]);
  const name = file.path.split('/').pop() ?? file.path;
  return (
    <article className="file-view" aria-label={file.path}>
      <header className="file-head">
        <div className="row">
          <code className="mono file-path">{file.path}</code>
          <Badge tone="info">{file.language}</Badge>
          <span className="subtle">{formatNumber(file.bytes)} bytes</span>
        </div>
        <div className="row">
          <CopyButton text={file.content} label="Copy" className="btn btn-sm" />
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => download(name, new Blob([file.content], { type: 'text/plain;charset=utf-8' }))}
          >
            Download
          </button>
        </div>
      </header>
      <pre className="file-code">
        <code
          className={`hljs language-${code.language}`}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js output: escaped text in hljs spans only.
          dangerouslySetInnerHTML={{ __html: code.html }}
        />
      </pre>
    </article>
  );
}
