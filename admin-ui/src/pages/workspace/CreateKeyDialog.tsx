/** Create an API key, then show its secret exactly once with a copy button. */
import { type FormEvent, useState } from 'react';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, identity } from '../../api/identity.js';
import { CheckOption } from '../../components/CheckOption.js';
import { CopyButton } from '../../components/Copy.js';
import { Dialog } from '../../components/Dialog.js';
import { Alert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { FormDialog } from '../../components/FormDialog.js';
import { useAction } from '../../hooks/use-action.js';
import { useSession } from '../../session/SessionProvider.js';
import { EXPIRY_CHOICES, SCOPE_INFO } from './key-scopes.js';

export function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(key: ApiKey): void;
}) {
  const { can } = useSession();
  const allowed = API_KEY_SCOPES.filter((s) => SCOPE_INFO[s].unlocks.some((p) => can(p)));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(allowed.includes('gateway') ? ['gateway'] : []);
  const [days, setDays] = useState<number>(90);
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const { busy, error, setError, run } = useAction();
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | undefined>();

  function reset() {
    setName('');
    setScopes(allowed.includes('gateway') ? ['gateway'] : []);
    setDays(90);
    setErrors({});
    setError(undefined);
    setCreated(undefined);
  }

  function close() {
    // The secret leaves memory with the dialog: it is never shown again.
    reset();
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = {
      ...(name.trim() ? {} : { name: 'Give the key a name you will recognise, like "laptop IDE".' }),
      ...(scopes.length > 0 ? {} : { scopes: 'Choose at least one scope.' }),
    };
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    await run(async () => {
      const result = await identity.createKey({ name: name.trim(), scopes, expires_in_days: days });
      setCreated(result);
      onCreated(result.key);
    });
  }

  const toggle = (scope: ApiKeyScope) =>
    setScopes((list) => (list.includes(scope) ? list.filter((s) => s !== scope) : [...list, scope]));

  if (created) {
    const base = `${window.location.origin}/v1`;
    return (
      <Dialog
        open={open}
        title="Copy your new API key"
        onClose={close}
        footer={
          <button type="button" className="btn btn-primary" onClick={close}>
            I have copied the key
          </button>
        }
      >
        <div className="stack">
          <Alert tone="warning" title="This is the only time the key is shown">
            AI-LA stores only a hash of it. If you lose it, revoke it and create a new one.
          </Alert>
          <div className="secret-box">
            <code data-testid="new-key-secret">{created.secret}</code>
            <CopyButton text={created.secret} label="Copy key" className="btn btn-primary btn-sm" />
          </div>
          <div className="stack-sm">
            <h3>Use it with any OpenAI-compatible tool</h3>
            <pre className="codebox">{`OPENAI_BASE_URL=${base}\nOPENAI_API_KEY=${created.secret.slice(0, 11)}…`}</pre>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <FormDialog
      open={open}
      title="Create API key"
      description="Keys act with your permissions, narrowed to the scopes you choose."
      onClose={close}
      formId="create-key-form"
      onSubmit={submit}
      submitLabel={busy ? 'Creating…' : 'Create key'}
      busy={busy}
      error={error}
      errorTitle="The key was not created"
    >
      <Field label="Name" error={errors.name} hint="Where the key is used, so you can tell keys apart later.">
        <input className="input" value={name} maxLength={128} onChange={(e) => setName(e.target.value)} />
      </Field>
      <fieldset className="fieldset" aria-describedby={errors.scopes ? 'scope-error' : undefined}>
        <legend>Scopes</legend>
        <div className="stack-sm">
          {allowed.map((scope) => (
            <CheckOption
              key={scope}
              checked={scopes.includes(scope)}
              onChange={() => toggle(scope)}
              title={SCOPE_INFO[scope].label}
              hint={SCOPE_INFO[scope].hint}
            />
          ))}
        </div>
        {errors.scopes && (
          <p id="scope-error" className="field-error">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <Field label="Expires after">
        <select className="select" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {EXPIRY_CHOICES.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </Field>
    </FormDialog>
  );
}
