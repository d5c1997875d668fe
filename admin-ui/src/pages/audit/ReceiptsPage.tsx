/** Receipts explorer: search the receipts the user may see; open one to verify it and its inclusion. */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { evidence, type ReceiptSearch, type ReceiptSummary } from '../../api/evidence.js';
import { statusTone } from '../../components/evidence/ReceiptPanel.js';
import { Badge, ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { PageHeader } from '../../components/Page.js';
import { cursorRows, ResultsTable } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useCursorList } from '../../hooks/use-cursor-list.js';
import { shortId } from '../../lib/format.js';
import { useNavigate } from '../../router/router.js';
import { compact, isUuid, localToIso, useUrlFilters } from './filters.js';
import { ReceiptDrawer } from './ReceiptDrawer.js';

const OPS = ['chat_completions', 'completions', 'embeddings', 'generate', 'analyze', 'chat'];
const PAGE = 50;
const KEYS = ['from', 'to', 'user', 'team', 'model', 'op', 'status'] as const;
const BASE = '/audit/receipts';
const COLUMNS = [
  { label: 'Receipt' },
  { label: 'Time' },
  { label: 'Operation' },
  { label: 'Model' },
  { label: 'User' },
  { label: 'Outcome' },
  { label: 'Actions', hidden: true },
];

export function ReceiptsPage({ selectedId }: { selectedId?: string }) {
  const navigate = useNavigate();
  const filters = useUrlFilters(BASE, KEYS);
  const { applied } = filters;
  const [form, setForm] = useState(applied);
  const [problem, setProblem] = useState<string>();
  useEffect(() => setForm(applied), [applied]);
  const query: ReceiptSearch = useMemo(
    () => compact({ ...applied, from: localToIso(applied.from), to: localToIso(applied.to) }),
    [applied],
  );
  const list = useCursorList<ReceiptSummary>(
    (cursor) => evidence.receipts({ ...query, limit: PAGE, ...(cursor ? { cursor } : {}) }),
    [query],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    for (const field of ['user', 'team'] as const) {
      if (form[field] && !isUuid(form[field])) {
        setProblem(`The ${field} filter takes an id (UUID), as receipts record it.`);
        return;
      }
    }
    setProblem(undefined);
    filters.apply({ ...form, user: form.user.trim(), team: form.team.trim() });
  }

  const set = (field: (typeof KEYS)[number]) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  return (
    <div className="page page-wide">
      <PageHeader
        title="Receipts"
        description="A signed TECP receipt exists for every AI operation, successful or not. Receipts hold hashes and metadata, never prompts or answers."
      />
      <form className="filters" onSubmit={submit} aria-label="Filter receipts">
        <Field label="From">
          <input
            className="input"
            type="datetime-local"
            value={form.from}
            onChange={(e) => set('from')(e.target.value)}
          />
        </Field>
        <Field label="To">
          <input
            className="input"
            type="datetime-local"
            value={form.to}
            onChange={(e) => set('to')(e.target.value)}
          />
        </Field>
        <Field label="User id">
          <input
            className="input mono"
            value={form.user}
            onChange={(e) => set('user')(e.target.value)}
            placeholder="UUID"
          />
        </Field>
        <Field label="Team id">
          <input
            className="input mono"
            value={form.team}
            onChange={(e) => set('team')(e.target.value)}
            placeholder="UUID"
          />
        </Field>
        <Field label="Model">
          <input className="input" value={form.model} onChange={(e) => set('model')(e.target.value)} />
        </Field>
        <Field label="Operation">
          <select className="select" value={form.op} onChange={(e) => set('op')(e.target.value)}>
            <option value="">Any</option>
            {OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Outcome">
          <select className="select" value={form.status} onChange={(e) => set('status')(e.target.value)}>
            <option value="">Any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
            <option value="cancelled">cancelled</option>
          </select>
        </Field>
        <div className="filters-actions">
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setProblem(undefined);
              filters.apply({ from: '', to: '', user: '', team: '', model: '', op: '', status: '' });
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div className="stack">
        {problem && <ErrorAlert error={new Error(problem)} />}
        <ResultsTable
          columns={COLUMNS}
          {...cursorRows(list)}
          label="Receipts"
          empty={{ title: 'No receipts match', hint: 'Widen the period or clear a filter.' }}
          renderRow={(r) => (
            <tr key={r.pending_id} aria-selected={r.id === selectedId}>
              <td className="mono">
                {r.index === null ? <Badge tone="info">pending</Badge> : `#${r.index}`}
              </td>
              <td>
                <Time value={r.ts} />
              </td>
              <td>{r.op}</td>
              <td className="mono">{r.model}</td>
              <td className="mono" title={r.subject}>
                {shortId(r.subject)}
              </td>
              <td>
                <Badge tone={statusTone(r.status)}>{r.status}</Badge>
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => navigate(`${BASE}/${r.id}${filters.search}`, { keepScroll: true })}
                  aria-label={`Open receipt ${r.id}`}
                >
                  Open
                </button>
              </td>
            </tr>
          )}
        />
      </div>
      <ReceiptDrawer
        id={selectedId}
        onClose={() => navigate(`${BASE}${filters.search}`, { keepScroll: true })}
      />
    </div>
  );
}
