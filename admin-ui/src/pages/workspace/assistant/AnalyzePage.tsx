/**
 * Analyze a project: upload a .tar.gz (sent as is: its SHA-256 is the receipt's input_hash) or pick
 * files (sent as JSON); the findings arrive streamed, then show by severity and file with the
 * files read and skipped, and the operation's receipt.
 */
import { type FormEvent, useState } from 'react';
import { type Analysis, CATEGORIES } from '../../../api/assistant.js';
import { Field } from '../../../components/Field.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { formatNumber } from '../../../lib/format.js';
import { useSearchParams } from '../../../router/router.js';
import { FindingsTable } from './FindingsTable.js';
import { PlacementFields, type PlacementValue, placementBody } from './Placement.js';
import { OperationReceipt, OperationStatus, RunButton, useOperation } from './use-operation.js';

type Source =
  | { kind: 'archive'; name: string; bytes: Uint8Array }
  | { kind: 'files'; files: Array<{ path: string; content: string }> };

const isArchive = (name: string) => /\.(tar\.gz|tgz)$/i.test(name);

async function pick(list: FileList | null): Promise<Source | undefined> {
  const files = [...(list ?? [])];
  const first = files[0];
  if (!first) return undefined;
  if (files.length === 1 && isArchive(first.name))
    return { kind: 'archive', name: first.name, bytes: new Uint8Array(await first.arrayBuffer()) };
  return {
    kind: 'files',
    files: await Promise.all(
      files.map(async (f) => ({ path: f.webkitRelativePath || f.name, content: await f.text() })),
    ),
  };
}

export function AnalyzePage() {
  const params = useSearchParams();
  const [placement, setPlacement] = useState<PlacementValue>({
    projectId: params.get('project') ?? '',
    taskId: params.get('task') ?? '',
    model: '',
  });
  const [source, setSource] = useState<Source>();
  const [focus, setFocus] = useState<string[]>([]);
  const op = useOperation<Analysis>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!source) return;
    const where = placementBody(placement);
    await op.run(
      '/api/v1/analyze',
      source.kind === 'archive'
        ? {
            upload: source.bytes,
            query: { ...where, stream: 'true', ...(focus.length ? { focus: focus.join(',') } : {}) },
          }
        : { json: { files: source.files, ...(focus.length ? { focus } : {}), ...where, stream: true } },
    );
  }

  const result = op.outcome?.result;
  return (
    <div className="page">
      <PageHeader
        title="Analyze a project"
        description="Upload a .tar.gz of a project, or pick files, for a review with findings by file and line."
      />
      <div className="stack">
        <Card>
          <form className="stack" onSubmit={submit}>
            <Field
              label="Project files"
              hint={
                source?.kind === 'archive'
                  ? `${source.name}, ${formatNumber(source.bytes.length)} bytes`
                  : source
                    ? `${source.files.length} files`
                    : 'One .tar.gz or .tgz archive, or any number of source files.'
              }
            >
              <input
                className="input"
                type="file"
                multiple
                onChange={async (e) => setSource(await pick(e.target.files))}
              />
            </Field>
            <fieldset className="checks-inline">
              <legend className="field-label">Focus (optional)</legend>
              {CATEGORIES.filter((c) => c !== 'other').map((c) => (
                <label key={c} className="row">
                  <input
                    type="checkbox"
                    checked={focus.includes(c)}
                    onChange={(e) =>
                      setFocus((f) => (e.target.checked ? [...f, c] : f.filter((x) => x !== c)))
                    }
                  />
                  {c}
                </label>
              ))}
            </fieldset>
            <PlacementFields value={placement} onChange={setPlacement} disabled={op.running} />
            <div className="row">
              <RunButton op={op} label="Analyze" disabled={!source || !placement.model} />
            </div>
          </form>
        </Card>
        <OperationStatus op={op} refused="The project was not analyzed">
          Reviewing… {formatNumber(op.progress?.findings ?? 0)} findings so far
        </OperationStatus>
        {result && (
          <Card title="Findings" description={result.summary}>
            <div className="stack">
              <FindingsTable analysis={result} />
              <details>
                <summary>
                  {result.files.analyzed.length} files read, {result.files.skipped.length} skipped
                </summary>
                <ul className="plain-list mono">
                  {result.files.analyzed.map((f) => (
                    <li key={f.path}>
                      {f.path} ({f.lines} lines)
                    </li>
                  ))}
                  {result.files.skipped.map((f) => (
                    <li key={f.path} className="subtle">
                      {f.path}: skipped ({f.reason.replace('_', ' ')})
                    </li>
                  ))}
                </ul>
              </details>
            </div>
          </Card>
        )}
        <OperationReceipt op={op} />
      </div>
    </div>
  );
}
