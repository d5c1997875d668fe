/** Receipts explorer: search the receipts the user may see; open one to verify it and its inclusion. */
import { evidence, type ReceiptSummary } from '../../api/evidence.js';
import { statusTone } from '../../components/evidence/ReceiptPanel.js';
import { Badge } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { cursorRows, ResultsTable } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { shortId } from '../../lib/format.js';
import { FilteredListPage, useFilteredList } from './FilteredList.js';
import { isUuid } from './filters.js';
import { ReceiptDrawer } from './ReceiptDrawer.js';

const OPS = ['chat_completions', 'completions', 'embeddings', 'generate', 'analyze', 'chat'];
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
  const state = useFilteredList<(typeof KEYS)[number], ReceiptSummary>({
    base: BASE,
    keys: KEYS,
    check(form) {
      for (const field of ['user', 'team'] as const) {
        if (form[field] && !isUuid(form[field]))
          return `The ${field} filter takes an id (UUID), as receipts record it.`;
      }
      return { ...form, user: form.user.trim(), team: form.team.trim() };
    },
    load: (query) => evidence.receipts(query),
  });
  const { form, set } = state;
  return (
    <FilteredListPage
      title="Receipts"
      description="A signed TECP receipt exists for every AI operation, successful or not. Receipts hold hashes and metadata, never prompts or answers."
      formLabel="Filter receipts"
      state={state}
      fields={
        <>
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
        </>
      }
      drawer={<ReceiptDrawer id={selectedId} onClose={state.close} />}
    >
      <ResultsTable
        columns={COLUMNS}
        {...cursorRows(state.list)}
        label="Receipts"
        empty={{ title: 'No receipts match', hint: 'Widen the period or clear a filter.' }}
        renderRow={(r) => (
          <tr key={r.pending_id} aria-selected={r.id === selectedId}>
            <td className="mono">{r.index === null ? <Badge tone="info">pending</Badge> : `#${r.index}`}</td>
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
                onClick={() => state.open(r.id)}
                aria-label={`Open receipt ${r.id}`}
              >
                Open
              </button>
            </td>
          </tr>
        )}
      />
    </FilteredListPage>
  );
}
