/** SCIM provisioning of one connection: what it provisioned, and its bearer tokens (create, revoke). */
import { type FormEvent, useState } from 'react';
import { idp, type ScimToken } from '../../../api/idp.js';
import { CopyButton } from '../../../components/Copy.js';
import { ConfirmDialog, Dialog } from '../../../components/Dialog.js';
import { Alert, Badge, ErrorAlert } from '../../../components/Feedback.js';
import { Field } from '../../../components/Field.js';
import { Card } from '../../../components/Page.js';
import { ResultsTable, resourceRows } from '../../../components/ResultsTable.js';
import { Time } from '../../../components/Time.js';
import { useAction } from '../../../hooks/use-action.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatNumber } from '../../../lib/format.js';

const COLUMNS = [
  { label: 'Token' },
  { label: 'Status' },
  { label: 'Created' },
  { label: 'Last used' },
  { label: 'Expires' },
  { label: 'Actions', hidden: true },
];

const TOKEN_TONE = { active: 'success', expired: 'warning', revoked: 'neutral' } as const;

function CreateTokenDialog({
  connection,
  open,
  onClose,
  onCreated,
}: {
  connection: string;
  open: boolean;
  onClose(): void;
  onCreated(): void;
}) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('365');
  const [problem, setProblem] = useState<string>();
  const { busy, error, setError, run } = useAction();
  const [secret, setSecret] = useState<string>();

  function close() {
    // The secret leaves memory with the dialog: it is never shown again.
    setName('');
    setDays('365');
    setProblem(undefined);
    setError(undefined);
    setSecret(undefined);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setProblem('Name the IdP application that will use the token, like "Okta provisioning".');
      return;
    }
    setProblem(undefined);
    await run(async () => {
      const created = await idp.createScimToken({
        name: name.trim(),
        connection,
        ...(days ? { expires_in_days: Number(days) } : {}),
      });
      setSecret(created.secret);
      onCreated();
    });
  }

  return (
    <Dialog
      open={open}
      title={secret ? 'Copy the SCIM token' : 'Create SCIM token'}
      onClose={close}
      footer={
        secret ? (
          <button type="button" className="btn btn-primary" onClick={close}>
            I have copied the token
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" form="scim-token-form" className="btn btn-primary" disabled={busy}>
              Create token
            </button>
          </>
        )
      }
    >
      {secret ? (
        <div className="stack">
          <Alert tone="warning">
            This is the only time the token is shown. The appliance keeps only its hash.
          </Alert>
          <div className="secret-box">
            <code data-testid="scim-secret">{secret}</code>
            <CopyButton text={secret} label="Copy token" />
          </div>
          <p>
            Paste it as the bearer token in the IdP’s provisioning settings, with the SCIM base URL{' '}
            <code>{`${window.location.origin}/scim/v2`}</code>.
          </p>
        </div>
      ) : (
        <form id="scim-token-form" className="stack" onSubmit={submit} noValidate>
          <ErrorAlert error={error} title="The token was not created" />
          <Field label="Name" error={problem}>
            <input className="input" value={name} maxLength={128} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Expires" hint="Rotate provisioning tokens like any credential.">
            <select className="select" value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="90">in 90 days</option>
              <option value="365">in 1 year</option>
              <option value="730">in 2 years</option>
              <option value="">never</option>
            </select>
          </Field>
        </form>
      )}
    </Dialog>
  );
}

export function ScimCard({
  connection,
  provisioned,
}: {
  connection: string;
  provisioned: { users: number; groups: number };
}) {
  const tokens = useResource(() => idp.scimTokens(), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ScimToken>();
  const { busy, error, run } = useAction();

  async function revoke() {
    if (!revoking) return;
    const token = revoking;
    await run(async () => {
      await idp.revokeScimToken(token.id);
      tokens.reload();
    });
    setRevoking(undefined);
  }

  return (
    <Card
      title="SCIM provisioning"
      description={`${formatNumber(provisioned.users)} users and ${formatNumber(provisioned.groups)} groups provisioned through this connection. The IdP creates, updates and deprovisions them ahead of sign-in at /scim/v2.`}
      actions={
        <button type="button" className="btn btn-sm" onClick={() => setCreating(true)}>
          Create SCIM token
        </button>
      }
      labelledBy="scim-heading"
      flush
    >
      <div>
        {error !== undefined && (
          <div className="card-body">
            <ErrorAlert error={error} title="The token was not revoked" />
          </div>
        )}
        <ResultsTable
          columns={COLUMNS}
          {...resourceRows(tokens, (d) => d.tokens.filter((t) => t.connection === connection))}
          label="SCIM tokens"
          bare
          empty={{
            title: 'No SCIM token',
            hint: 'Create one when the IdP should provision users and groups.',
          }}
          renderRow={(t) => (
            <tr key={t.id}>
              <td>
                <div className="cell-title">{t.name}</div>
                <div className="cell-sub mono">{t.prefix}…</div>
              </td>
              <td>
                <Badge tone={TOKEN_TONE[t.status]}>{t.status}</Badge>
              </td>
              <td>
                <Time value={t.created_at} />
              </td>
              <td>
                <Time value={t.last_used_at} relative />
              </td>
              <td>{t.expires_at ? <Time value={t.expires_at} /> : <span className="muted">never</span>}</td>
              <td className="actions">
                {t.status === 'active' && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => setRevoking(t)}
                    aria-label={`Revoke ${t.name}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          )}
        />
      </div>
      <CreateTokenDialog
        connection={connection}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={tokens.reload}
      />
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke SCIM token?"
        confirmLabel="Revoke token"
        busy={busy}
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => void revoke()}
      >
        <p>
          The IdP’s provisioning requests with <strong>{revoking?.name}</strong> are refused from now on.
          Users and groups it provisioned stay.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
