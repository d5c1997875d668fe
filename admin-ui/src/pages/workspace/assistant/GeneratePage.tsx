/**
 * Generate code from a task: the description, framework, language and existing files go to
 * POST /api/v1/generate (streamed); progress shows the files as the model starts each one; the
 * result lists every file highlighted, with copy and download, and the operation's receipt.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { assistant, type Generation, type OperationResult, streamOperation } from '../../../api/assistant.js';
import { ReceiptPanel } from '../../../components/evidence/ReceiptPanel.js';
import { Alert, ErrorAlert, Spinner } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { download, tarOf } from '../../../lib/download.js';
import { formatNumber } from '../../../lib/format.js';
import { useSearchParams } from '../../../router/router.js';
import { FileView } from './FileView.js';
import { PlacementFields, type PlacementValue, placementBody } from './Placement.js';

const LANGUAGES = ['', 'TypeScript', 'JavaScript', 'Python', 'Go', 'Rust', 'Java', 'SQL', 'Bash'];

/** Reads picked files as text, with their folder path when a folder was picked. */
async function readPicked(list: FileList | null): Promise<Array<{ path: string; content: string }>> {
  return Promise.all(
    [...(list ?? [])].map(async (file) => ({
      path: file.webkitRelativePath || file.name,
      content: await file.text(),
    })),
  );
}

export function GeneratePage() {
  const params = useSearchParams();
  const [placement, setPlacement] = useState<PlacementValue>({
    projectId: params.get('project') ?? '',
    taskId: params.get('task') ?? '',
    model: '',
  });
  const [description, setDescription] = useState('');
  const [framework, setFramework] = useState('');
  const [language, setLanguage] = useState('');
  const [existing, setExisting] = useState<Array<{ path: string; content: string }>>([]);
  const [progress, setProgress] = useState<{ files: string[]; chunks: number } | null>(null);
  const [outcome, setOutcome] = useState<OperationResult<Generation>>();
  const [error, setError] = useState<unknown>();
  const controller = useRef<AbortController | null>(null);
  const running = progress !== null && outcome === undefined;

  // Opened from a task: its description is the starting point.
  useEffect(() => {
    const { projectId, taskId } = placement;
    if (!projectId || !taskId || description) return;
    assistant
      .task(projectId, taskId)
      .then((task) => setDescription((d) => d || [task.title, task.description].filter(Boolean).join('\n\n')))
      .catch(() => {});
  }, [placement, description]);
  useEffect(() => () => controller.current?.abort(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const abort = new AbortController();
    controller.current = abort;
    setError(undefined);
    setOutcome(undefined);
    setProgress({ files: [], chunks: 0 });
    const body = {
      description,
      ...(framework.trim() ? { framework: framework.trim() } : {}),
      ...(language ? { language } : {}),
      ...(existing.length > 0 ? { files: existing } : {}),
      ...placementBody(placement),
      stream: true,
    };
    try {
      const result = await streamOperation<Generation>(
        '/api/v1/generate',
        { json: body },
        (e) => setProgress((p) => ({ files: e.files ?? p?.files ?? [], chunks: e.chunks ?? p?.chunks ?? 0 })),
        abort.signal,
      );
      setOutcome(result);
    } catch (err) {
      setError(err);
      setProgress(null);
    } finally {
      controller.current = null;
    }
  }

  const result = outcome?.result;
  return (
    <div className="page">
      <PageHeader
        title="Generate code"
        description="Describe what to build. AI-LA writes the files; every answer is signed and recorded in the receipts log."
      />
      <div className="stack">
        <Card>
          <form className="stack" onSubmit={submit}>
            <Field label="What to build" hint="A task description, as you would write it in a ticket.">
              <textarea
                className="textarea"
                rows={5}
                required
                maxLength={20000}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
              />
            </Field>
            <div className="form-grid">
              <Field label="Framework" hint="Optional, e.g. Express, FastAPI, React.">
                <input
                  className="input"
                  maxLength={64}
                  value={framework}
                  onChange={(e) => setFramework(e.target.value)}
                />
              </Field>
              <Field label="Language">
                <select className="select" value={language} onChange={(e) => setLanguage(e.target.value)}>
                  {LANGUAGES.map((l) => (
                    <option key={l} value={l}>
                      {l || 'Any'}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                label="Existing files"
                hint={existing.length > 0 ? `${existing.length} attached` : 'Optional context.'}
              >
                <input
                  className="input"
                  type="file"
                  multiple
                  onChange={async (e) => setExisting(await readPicked(e.target.files))}
                />
              </Field>
            </div>
            <PlacementFields value={placement} onChange={setPlacement} disabled={running} />
            <div className="row">
              {running ? (
                <button type="button" className="btn" onClick={() => controller.current?.abort()}>
                  Stop
                </button>
              ) : (
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={!description.trim() || !placement.model}
                >
                  Generate
                </button>
              )}
            </div>
          </form>
        </Card>
        <ErrorAlert error={error} title="Nothing was generated" />
        {running && (
          <output className="progress-panel" aria-live="polite">
            <Spinner />
            <span>
              Writing… {formatNumber(progress?.chunks ?? 0)} chunks
              {progress && progress.files.length > 0 && <> · started {progress.files.join(', ')}</>}
            </span>
          </output>
        )}
        {outcome?.status === 'cancelled' && (
          <Alert tone="warning">
            Stopped. The appliance records the cancelled operation with its own receipt.
          </Alert>
        )}
        <ErrorAlert error={outcome?.error} title="The model's answer was not usable" />
        {result && (
          <Card
            title={`${result.files.length} generated files`}
            description={result.summary}
            actions={
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => download('generated.tar', tarOf(result.files))}
              >
                Download all (.tar)
              </button>
            }
          >
            <div className="stack">
              {result.rejected.length > 0 && (
                <Alert tone="warning" title="Files left out">
                  <ul>
                    {result.rejected.map((r) => (
                      <li key={r.path}>
                        <code>{r.path}</code> {r.reason}
                      </li>
                    ))}
                  </ul>
                </Alert>
              )}
              {result.files.map((file) => (
                <FileView key={file.path} file={file} />
              ))}
              {result.notes.length > 0 && (
                <ul className="plain-list subtle">
                  {result.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              )}
              <p className="subtle">
                {result.model} · template {result.template.id}@{result.template.version} ·{' '}
                {formatNumber(result.usage.prompt_tokens)} in · {formatNumber(result.usage.completion_tokens)}{' '}
                out
              </p>
            </div>
          </Card>
        )}
        {outcome?.receipt && (
          <ReceiptPanel
            receipt={outcome.receipt}
            requestBody={outcome.requestBody}
            outputBytes={outcome.outputBytes}
          />
        )}
      </div>
    </div>
  );
}
