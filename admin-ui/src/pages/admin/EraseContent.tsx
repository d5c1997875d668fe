/**
 * "Erase content" of a user or a team (crypto-shredding): destroys their content key after a
 * confirmation with a recorded reason. A legal hold refuses it (LEGAL_HOLD_ACTIVE), shown as such.
 */
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { type HoldScope, holds } from '../../api/holds.js';
import { Alert, ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { FormDialog } from '../../components/FormDialog.js';
import { useAction } from '../../hooks/use-action.js';
import { Link } from '../../router/router.js';
import { useSession } from '../../session/SessionProvider.js';

const WHAT: Record<HoldScope, string> = {
  user: 'everything this user did: their prompts, answers and conversation messages, in every team',
  team: 'what the members did for this team: its prompts, answers and conversation messages',
};

function HoldRefusal({ error }: { error: ApiError }) {
  const { can } = useSession();
  return (
    <Alert tone="danger" title="Under legal hold: nothing was erased">
      <p>{error.message}</p>
      {can('compliance:export') ? (
        <p>
          <Link to="/audit/legal-holds">See the legal holds</Link>; erase once the hold is released.
        </p>
      ) : (
        <p>An auditor releases the hold when the matter is closed; erase afterwards.</p>
      )}
    </Alert>
  );
}

export function EraseContent({ scope, id, name }: { scope: HoldScope; id: string; name: string }) {
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string>();
  if (!can('settings:manage')) return null;

  function close() {
    setOpen(false);
    setReason('');
    setProblem(undefined);
  }

  async function erase(event: FormEvent) {
    event.preventDefault();
    if (reason.trim().length < 3) return setProblem('Give the reason, e.g. the erasure request number.');
    setNotice(undefined);
    await run(async () => {
      const { destroyed_keys } = await holds.eraseContent({ scope, id, reason: reason.trim() });
      setNotice(
        destroyed_keys.length > 0
          ? `The content of ${name} is erased: ${destroyed_keys.length} content key(s) destroyed.`
          : `${name} had no retained content: there was no key to destroy.`,
      );
    });
    close();
  }

  const held = error instanceof ApiError && error.code === 'LEGAL_HOLD_ACTIVE';
  return (
    <section className="stack-sm" aria-labelledby={`erase-${scope}-heading`}>
      <h3 id={`erase-${scope}-heading`}>Content</h3>
      <p className="subtle">
        Erasing destroys the {scope}’s content key, which makes {WHAT[scope]} unreadable for good, backups
        included. Receipts and audit events stay valid: they hold only hashes.
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {held ? <HoldRefusal error={error} /> : <ErrorAlert error={error} title="The content was not erased" />}
      <div>
        <button type="button" className="btn btn-danger" onClick={() => setOpen(true)} disabled={busy}>
          Erase content
        </button>
      </div>
      <FormDialog
        open={open}
        title={`Erase the content of ${name}?`}
        onClose={close}
        formId={`erase-${scope}-form`}
        onSubmit={erase}
        submitLabel="Erase for good"
        tone="danger"
        busy={busy}
      >
        <p>
          This cannot be undone. It erases {WHAT[scope]}. Refused while a legal hold covers the {scope}.
        </p>
        <Field label="Reason" error={problem} hint="Recorded in the audit log (content.key_destroyed).">
          <input
            className="input"
            value={reason}
            maxLength={1024}
            onChange={(e) => setReason(e.target.value)}
          />
        </Field>
      </FormDialog>
    </section>
  );
}
