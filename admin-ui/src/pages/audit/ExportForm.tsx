/** The form that requests a compliance export: period, filters, what to include, the checkpoint kept from the last audit. */
import { type FormEvent, useState } from 'react';
import { compliance, type ExportJob, type ExportPart, type ExportRequest } from '../../api/compliance.js';
import { CheckOption } from '../../components/CheckOption.js';
import { ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Card } from '../../components/Page.js';
import { useAction } from '../../hooks/use-action.js';
import { toggled } from '../../lib/sets.js';
import { isUuid, localToIso } from './filters.js';

const OPS = ['chat_completions', 'completions', 'embeddings', 'generate', 'analyze', 'chat'];
const PARTS: Array<{ part: ExportPart; title: string; hint: string }> = [
  {
    part: 'receipts',
    title: 'Receipts',
    hint: 'Signed TECP receipts of AI operations, with inclusion proofs.',
  },
  { part: 'audit', title: 'Audit events', hint: 'Admin and sign-in actions, with inclusion proofs.' },
  {
    part: 'content',
    title: 'Retained content',
    hint: 'Prompts and answers, when content retention is on. Needs break-glass access; audited.',
  },
];

/** `YYYY-MM-DDTHH:mm` in local time, for datetime-local inputs. */
const localInput = (date: Date): string => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

const list = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);

export function ExportForm({ onCreated }: { onCreated(job: ExportJob): void }) {
  const now = new Date();
  const [from, setFrom] = useState(localInput(new Date(now.getTime() - 30 * 86_400_000)));
  const [to, setTo] = useState(localInput(new Date(now.getTime() + 60_000)));
  const [teams, setTeams] = useState('');
  const [users, setUsers] = useState('');
  const [models, setModels] = useState('');
  const [ops, setOps] = useState<Set<string>>(new Set());
  const [parts, setParts] = useState<Set<ExportPart>>(new Set(['receipts', 'audit']));
  const [since, setSince] = useState('');
  const { busy, error, setError, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const fromIso = localToIso(from);
    const toIso = localToIso(to);
    const ids = [...list(teams), ...list(users)];
    if (!fromIso || !toIso) return setError(new Error('Give the start and the end of the period.'));
    if (ids.some((id) => !isUuid(id))) return setError(new Error('Teams and users are given by id (UUID).'));
    if (parts.size === 0) return setError(new Error('Include receipts, audit events or both.'));
    const body: ExportRequest = {
      from: fromIso,
      to: toIso,
      include: PARTS.map((p) => p.part).filter((p) => parts.has(p)),
      ...(list(teams).length ? { teams: list(teams) } : {}),
      ...(list(users).length ? { users: list(users) } : {}),
      ...(list(models).length ? { models: list(models) } : {}),
      ...(ops.size ? { ops: [...ops] } : {}),
      ...(since.trim() ? { since_checkpoint: since.trim() } : {}),
    };
    await run(async () => {
      onCreated(await compliance.create(body));
      setSince('');
    });
  }

  return (
    <Card
      title="New export"
      description="One signed bundle of the period's evidence, verifiable offline with aila verify-bundle."
      labelledBy="new-export"
    >
      <form className="stack" onSubmit={submit} aria-labelledby="new-export">
        <div className="export-grid">
          <Field label="From">
            <input
              className="input"
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          </Field>
          <Field label="To">
            <input
              className="input"
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
            />
          </Field>
          <Field label="Team ids" hint="Optional; separated by spaces or commas">
            <input className="input mono" value={teams} onChange={(e) => setTeams(e.target.value)} />
          </Field>
          <Field label="User ids" hint="Optional">
            <input className="input mono" value={users} onChange={(e) => setUsers(e.target.value)} />
          </Field>
          <Field label="Models" hint="Optional">
            <input className="input" value={models} onChange={(e) => setModels(e.target.value)} />
          </Field>
        </div>
        <div className="grid-2">
          <fieldset className="fieldset">
            <legend>Include</legend>
            <div className="stack-sm">
              {PARTS.map(({ part, title, hint }) => (
                <CheckOption
                  key={part}
                  name={`include-${part}`}
                  checked={parts.has(part)}
                  onChange={() => setParts((s) => toggled(s, part))}
                  title={title}
                  hint={hint}
                />
              ))}
            </div>
          </fieldset>
          <fieldset className="fieldset">
            <legend>Operations (none checked: all)</legend>
            <div className="export-ops">
              {OPS.map((op) => (
                <CheckOption
                  key={op}
                  checked={ops.has(op)}
                  onChange={() => setOps((s) => toggled(s, op))}
                  title={op}
                  mono
                />
              ))}
            </div>
          </fieldset>
        </div>
        <Field
          label="Since checkpoint"
          hint="Optional: paste receipts/checkpoint of your last audit's bundle to prove the log was not rewritten since."
        >
          <textarea
            className="textarea mono"
            rows={4}
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </Field>
        <ErrorAlert error={error} title="The export was not created" />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create export
          </button>
        </div>
      </form>
    </Card>
  );
}
