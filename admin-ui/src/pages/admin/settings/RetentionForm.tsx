/** Content retention (none or full, with what each means) and how long each kind of data is kept. */
import { type FormEvent, useEffect, useState } from 'react';
import { type Retention, type RetentionMode, type Settings, settings } from '../../../api/settings.js';
import { ConfirmDialog } from '../../../components/Dialog.js';
import { Alert, Badge, ErrorAlert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { Card } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useAction } from '../../../hooks/use-action.js';
import { UserLink } from './UserLink.js';

const PERIODS: Array<{ key: Exclude<keyof Retention, 'content'>; label: string; hint: string }> = [
  {
    key: 'content_days',
    label: 'Retained content',
    hint: 'Prompts and answers stored while retention is full. 0 keeps them until erased.',
  },
  {
    key: 'usage_days',
    label: 'Usage events',
    hint: 'One row per AI call (who, model, tokens, latency). Daily totals stay for the dashboards.',
  },
  {
    key: 'sessions_days',
    label: 'Sign-in history',
    hint: 'Ended sessions: when, which connection, which client. Live sessions are never deleted.',
  },
];

const MODES: Array<{ value: RetentionMode; title: string; privacy: string; evidence: string }> = [
  {
    value: 'none',
    title: 'None: prompts and answers are not kept',
    privacy:
      'Privacy: nothing people type or receive stays on the appliance once the answer is sent. Nobody, admins included, can read it later.',
    evidence:
      'Evidence: every receipt still proves what was asked and answered through SHA-256 hashes and says no_retention; whoever keeps a copy of a prompt or answer can prove it against its receipt, but the appliance cannot produce it.',
  },
  {
    value: 'full',
    title: 'Full: prompts and answers are kept, encrypted',
    privacy:
      'Privacy: the exact request and response bytes are stored encrypted per user and team. They are read only through the audited break-glass read and compliance exports, deleted after the period below unless under legal hold, and erased at once for a person or a team by destroying their key.',
    evidence:
      'Evidence: the stored bytes are exactly what the signed receipts hash, so exported content verifies against the transparency log, for audits, investigations and litigation.',
  },
];

export function RetentionForm({ current, onSaved }: { current: Settings; onSaved(s: Settings): void }) {
  const [mode, setMode] = useState<RetentionMode>(current.retention.content);
  const [days, setDays] = useState(() =>
    Object.fromEntries(PERIODS.map((p) => [p.key, String(current.retention[p.key])])),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    setMode(current.retention.content);
    setDays(Object.fromEntries(PERIODS.map((p) => [p.key, String(current.retention[p.key])])));
  }, [current]);

  const changes = (): Partial<Retention> => {
    const out: Partial<Retention> = {};
    if (mode !== current.retention.content) out.content = mode;
    for (const p of PERIODS)
      if (Number(days[p.key]) !== current.retention[p.key]) out[p.key] = Number(days[p.key]);
    return out;
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    for (const p of PERIODS) {
      const value = days[p.key] ?? '';
      if (!/^\d+$/.test(value) || Number(value) > 36500) found[p.key] = 'Whole days, 0 to 36500 (0: keep).';
    }
    setProblems(found);
    setNotice(undefined);
    if (Object.keys(found).length > 0) return;
    if (Object.keys(changes()).length === 0) {
      setNotice('Nothing changed.');
      return;
    }
    if (mode !== current.retention.content) setConfirming(true);
    else void save();
  }

  async function save() {
    await run(async () => {
      const saved = await settings.update(changes());
      setNotice('Settings saved. Every appliance replica follows within two seconds.');
      onSaved(saved);
    });
    setConfirming(false);
  }

  const { encryption } = current;
  return (
    <Card
      title="Retention"
      description={
        current.updated_at ? (
          <>
            Last changed <Time value={current.updated_at} />
            {current.updated_by && (
              <>
                {' '}
                by <UserLink id={current.updated_by} />
              </>
            )}
            . Every change is an audit event (settings.updated).
          </>
        ) : (
          'Never changed: the defaults apply. Every change is an audit event (settings.updated).'
        )
      }
      labelledBy="retention-heading"
    >
      <form className="stack" onSubmit={submit} noValidate aria-label="Retention settings">
        {notice && <Alert tone="success">{notice}</Alert>}
        <ErrorAlert error={error} title="The settings were not saved" />
        <fieldset className="fieldset">
          <legend>Prompt and answer content</legend>
          <div className="choice-list">
            {MODES.map((m) => {
              const locked = m.value === 'full' && !encryption.available && mode !== 'full';
              return (
                <label key={m.value} className="choice">
                  <input
                    type="radio"
                    name="content-retention"
                    value={m.value}
                    checked={mode === m.value}
                    disabled={locked}
                    onChange={() => setMode(m.value)}
                  />
                  <span>
                    <span className="choice-title">
                      {m.title} {current.retention.content === m.value && <Badge tone="info">current</Badge>}
                    </span>
                    <ul>
                      <li>{m.privacy}</li>
                      <li>{m.evidence}</li>
                    </ul>
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        {encryption.available ? (
          <p className="subtle">
            Retained content is encrypted under the key-encryption key <code>{encryption.kek_id}</code> (from{' '}
            {encryption.source}).
          </p>
        ) : (
          <Alert tone="warning" title="Full retention needs a key-encryption key">
            Configure <code>content.keyEncryptionKey</code> (a <code>vault:</code> reference or a secret file)
            and roll the appliance out; see the data protection guide (<code>docs/data-protection.md</code>).
          </Alert>
        )}
        <fieldset className="fieldset stack-sm">
          <legend>Keep for (days)</legend>
          <p className="subtle">
            The daily retention job deletes older data, except that of users and teams under a legal hold.
            Receipts and audit events are never deleted: they are the evidence.
          </p>
          <div className="form-grid">
            {PERIODS.map((p) => (
              <Field key={p.key} label={p.label} hint={p.hint} error={problems[p.key]}>
                <input
                  className="input"
                  inputMode="numeric"
                  value={days[p.key] ?? ''}
                  onChange={(e) => setDays((d) => ({ ...d, [p.key]: e.target.value.trim() }))}
                />
              </Field>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save settings
          </button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming}
        tone="primary"
        title={mode === 'full' ? 'Keep prompts and answers?' : 'Stop keeping prompts and answers?'}
        confirmLabel={mode === 'full' ? 'Keep content' : 'Stop keeping content'}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void save()}
      >
        {mode === 'full' ? (
          <p>
            From now on the appliance stores every prompt and answer, encrypted, for {days.content_days} days
            (0: until erased). Tell the people using AI-LA, as your privacy notice requires.
          </p>
        ) : (
          <p>
            New prompts and answers are no longer stored. Content already kept stays until its retention
            period ends or it is erased.
          </p>
        )}
      </ConfirmDialog>
    </Card>
  );
}
