/** Audit log viewer: every administrative and security action, newest first, with filters and details. */
import { type AuditItem, evidence } from '../../api/evidence.js';
import { Badge } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { cursorRows, ResultsTable } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { shortId } from '../../lib/format.js';
import { AuditDrawer } from './AuditDrawer.js';
import { AUDIT_ACTION_SUGGESTIONS, outcomeTone } from './audit-actions.js';
import { FilteredListPage, useFilteredList } from './FilteredList.js';

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
  const state = useFilteredList<(typeof KEYS)[number], AuditItem>({
    base: BASE,
    keys: KEYS,
    check(form) {
      const action = form.action.trim();
      if (action && !/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/.test(action))
        return 'Action: a catalogue name such as auth.login, or a family such as auth.*';
      return { ...form, action };
    },
    load: (query) => evidence.auditEvents(query),
  });
  const { form, set } = state;
  return (
    <FilteredListPage
      title="Audit log"
      description="Sign-ins, key and role changes, administration and exports. Each event is a leaf of the tamper-evident audit log; personal values appear only as keyed hashes."
      formLabel="Filter audit events"
      state={state}
      fields={
        <>
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
        </>
      }
      drawer={<AuditDrawer id={selectedId} onClose={state.close} />}
    >
      <ResultsTable
        columns={COLUMNS}
        {...cursorRows(state.list)}
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
                onClick={() => state.open(e.id)}
                aria-label={`Details of ${e.action} at ${new Date(e.ts).toISOString()}`}
              >
                Details
              </button>
            </td>
          </tr>
        )}
      />
    </FilteredListPage>
  );
}
