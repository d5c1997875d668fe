/** Audit log viewer: every administrative and security action, newest first, with filters and details. */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { type AuditItem, type AuditSearch, evidence } from '../../api/evidence.js';
import { Badge, ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { PageHeader } from '../../components/Page.js';
import { cursorRows, ResultsTable } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useCursorList } from '../../hooks/use-cursor-list.js';
import { shortId } from '../../lib/format.js';
import { useNavigate } from '../../router/router.js';
import { AuditDrawer } from './AuditDrawer.js';
import { AUDIT_ACTION_SUGGESTIONS, outcomeTone } from './audit-actions.js';
import { compact, localToIso, useUrlFilters } from './filters.js';

const PAGE = 50;
const KEYS = ['from', 'to', 'action', 'actor', 'target', 'outcome'] as const;
const BASE = '/audit/events';
const COLUMNS = [
  { label: 'Time' },
  { label: 'Action' },
  { label: 'Outcome' },
  { label: 'Actor' },
  { label: 'Target' },
  { label: 'Log' },
  { label: 'Actions', hidden: true },
];

export function AuditLogPage({ selectedId }: { selectedId?: string }) {
  const navigate = useNavigate();
  const filters = useUrlFilters(BASE, KEYS);
  const { applied } = filters;
  const [form, setForm] = useState(applied);
  const [problem, setProblem] = useState<string>();
  useEffect(() => setForm(applied), [applied]);
  const query: AuditSearch = useMemo(
    () => compact({ ...applied, from: localToIso(applied.from), to: localToIso(applied.to) }),
    [applied],
  );
  const list = useCursorList<AuditItem>(
    (cursor) => evidence.auditEvents({ ...query, limit: PAGE, ...(cursor ? { cursor } : {}) }),
    [query],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const action = form.action.trim();
    if (action && !/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/.test(action)) {
      setProblem('Action: a catalogue name such as auth.login, or a family such as auth.*');
      return;
    }
    setProblem(undefined);
    filters.apply({ ...form, action });
  }

  const set = (field: (typeof KEYS)[number]) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  return (
    <div className="page page-wide">
      <PageHeader
        title="Audit log"
        description="Sign-ins, key and role changes, administration and exports. Each event is a leaf of the tamper-evident audit log; personal values appear only as keyed hashes."
      />
      <form className="filters" onSubmit={submit} aria-label="Filter audit events">
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
        <Field label="Action">
          <input
            className="input mono"
            list="audit-actions"
            value={form.action}
            placeholder="auth.*"
            onChange={(e) => set('action')(e.target.value)}
          />
        </Field>
        <datalist id="audit-actions">
          {AUDIT_ACTION_SUGGESTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <Field label="Actor id">
          <input className="input mono" value={form.actor} onChange={(e) => set('actor')(e.target.value)} />
        </Field>
        <Field label="Target">
          <input
            className="input mono"
            value={form.target}
            placeholder="type:id or id"
            onChange={(e) => set('target')(e.target.value)}
          />
        </Field>
        <Field label="Outcome">
          <select className="select" value={form.outcome} onChange={(e) => set('outcome')(e.target.value)}>
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
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
              filters.apply({ from: '', to: '', action: '', actor: '', target: '', outcome: '' });
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
          label="Audit events"
          empty={{ title: 'No events match', hint: 'Widen the period or clear a filter.' }}
          renderRow={({ event: e, log_index }) => (
            <tr key={e.id} aria-selected={e.id === selectedId}>
              <td className="nowrap">
                <Time value={e.ts} />
              </td>
              <td className="mono">{e.action}</td>
              <td>
                <Badge tone={outcomeTone(e.outcome)}>{e.outcome}</Badge>
              </td>
              <td>
                <span className="subtle">{e.actor.type}</span>{' '}
                <span className="mono" title={e.actor.id}>
                  {shortId(e.actor.id)}
                </span>
              </td>
              <td>
                {e.target ? (
                  <>
                    <span className="subtle">{e.target.type}</span>{' '}
                    <span className="mono" title={e.target.id}>
                      {shortId(e.target.id)}
                    </span>
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="mono">
                {log_index === null ? <Badge tone="info">pending</Badge> : `#${log_index}`}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-sm"
                  onClick={() => navigate(`${BASE}/${e.id}${filters.search}`, { keepScroll: true })}
                  aria-label={`Details of ${e.action} at ${new Date(e.ts).toISOString()}`}
                >
                  Details
                </button>
              </td>
            </tr>
          )}
        />
      </div>
      <AuditDrawer
        id={selectedId}
        onClose={() => navigate(`${BASE}${filters.search}`, { keepScroll: true })}
      />
    </div>
  );
}
