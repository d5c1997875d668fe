/**
 * Generate code from a task: the description, framework, language and existing files go to
 * POST /api/v1/generate (streamed); progress shows the files as the model starts each one; the
 * result lists every file highlighted, with copy and download, and the operation's receipt.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { assistant, type Generation } from '../../../api/assistant.js';
import { Alert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { download, tarOf } from '../../../lib/download.js';
import { formatNumber } from '../../../lib/format.js';
import { useSearchParams } from '../../../router/router.js';
import { FileView } from './FileView.js';
import { PlacementFields, type PlacementValue, placementBody } from './Placement.js';
import { OperationReceipt, OperationStatus, RunButton, useOperation } from './use-operation.js';

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
  const op = useOperation<Generation>();

  // Opened from a task: its description is the starting point.
  useEffect(() => {
    const { projectId, taskId } = placement;
    if (!projectId || !taskId || description) return;
    assistant
      .task(projectId, taskId)
      .then((task) => setDescription((d) => d || [task.title, task.description].filter(Boolean).join('\n\n')))
      .catch(() => {});
  }, [placement, description]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await op.run('/api/v1/generate', {
      json: {
        description,
        ...(framework.trim() ? { framework: framework.trim() } : {}),
        ...(language ? { language } : {}),
        ...(existing.length > 0 ? { files: existing } : {}),
        ...placementBody(placement),
        stream: true,
      },
    });
  }

  const result = op.outcome?.result;
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
            <PlacementFields value={placement} onChange={setPlacement} disabled={op.running} />
            <div className="row">
              <RunButton op={op} label="Generate" disabled={!description.trim() || !placement.model} />
            </div>
          </form>
        </Card>
        <OperationStatus op={op} refused="Nothing was generated">
          Writing… {formatNumber(op.progress?.chunks ?? 0)} chunks
          {(op.progress?.files?.length ?? 0) > 0 && <> · started {op.progress?.files?.join(', ')}</>}
        </OperationStatus>
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
        <OperationReceipt op={op} />
      </div>
    </div>
  );
}
