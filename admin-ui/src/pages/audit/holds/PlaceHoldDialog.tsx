/** The dialog that places a legal hold on a user or a team, with the reason and the case reference. */
import { type FormEvent, useState } from 'react';
import { type HoldScope, holds } from '../../../api/holds.js';
import { Field } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { useAction } from '../../../hooks/use-action.js';
import { type Subject, SubjectPicker } from './SubjectPicker.js';

export function PlaceHoldDialog({
  open,
  onClose,
  onPlaced,
}: {
  open: boolean;
  onClose(): void;
  onPlaced(subject: Subject): void;
}) {
  const [scope, setScope] = useState<HoldScope>('user');
  const [subject, setSubject] = useState<Subject>();
  const [reason, setReason] = useState('');
  const [reference, setReference] = useState('');
  const [problems, setProblems] = useState<{ subject?: string; reason?: string }>({});
  const { busy, error, setError, run } = useAction();

  function close() {
    setScope('user');
    setSubject(undefined);
    setReason('');
    setReference('');
    setProblems({});
    setError(undefined);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = {
      ...(subject ? {} : { subject: `Choose the ${scope} to hold.` }),
      ...(reason.trim().length >= 3
        ? {}
        : { reason: 'Say why the content must be kept (3 characters or more).' }),
    };
    setProblems(found);
    if (!subject || Object.keys(found).length > 0) return;
    await run(async () => {
      await holds.place({
        scope,
        id: subject.id,
        reason: reason.trim(),
        reference: reference.trim(),
      });
      close();
      onPlaced(subject);
    });
  }

  return (
    <FormDialog
      open={open}
      title="Place a legal hold"
      description="While the hold is in force, nothing of the subject is deleted or erased."
      onClose={close}
      formId="place-hold-form"
      onSubmit={submit}
      submitLabel={busy ? 'Placing…' : 'Place hold'}
      busy={busy}
      error={error}
      errorTitle="The hold was not placed"
    >
      <fieldset className="fieldset stack-sm">
        <legend>Hold</legend>
        {(['user', 'team'] as const).map((s) => (
          <label key={s} className="checkbox">
            <input
              type="radio"
              name="hold-scope"
              checked={scope === s}
              onChange={() => {
                setScope(s);
                setSubject(undefined);
              }}
            />
            <span className="checkbox-title">{s === 'user' ? 'A user' : 'A team'}</span>
          </label>
        ))}
      </fieldset>
      <SubjectPicker
        key={scope}
        scope={scope}
        value={subject}
        onChange={setSubject}
        error={problems.subject}
      />
      <Field label="Reason" error={problems.reason} hint="Recorded in the audit log (compliance.legal_hold).">
        <textarea
          className="textarea"
          rows={3}
          value={reason}
          maxLength={1024}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <Field label="Reference" hint="Optional: the case or matter number.">
        <input
          className="input mono"
          value={reference}
          maxLength={256}
          onChange={(e) => setReference(e.target.value)}
        />
      </Field>
    </FormDialog>
  );
}
