/** The user's own API keys: list, create (secret shown once), revoke. */
import { useState } from 'react';
import { type ApiKey, identity, type KeyStatusFilter } from '../../api/identity.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { Badge, ErrorAlert } from '../../components/Feedback.js';
import { PageHeader } from '../../components/Page.js';
import { Pagination } from '../../components/Pagination.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { CreateKeyDialog } from './CreateKeyDialog.js';
import { SCOPE_INFO } from './key-scopes.js';

const FILTERS: Array<{ value: KeyStatusFilter; label: string }> = [
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'all', label: 'All' },
];
const LIMIT = 25;
const KEY_COLUMNS = [
  { label: 'Name' },
  { label: 'Key' },
  { label: 'Scopes' },
  { label: 'Created' },
  { label: 'Expires' },
  { label: 'Last used' },
  { label: 'Status' },
  { label: 'Actions', hidden: true },
];

export function StatusBadge({ status }: { status: ApiKey['status'] }) {
  const tone = status === 'active' ? 'success' : status === 'revoked' ? 'danger' : 'warning';
  return (
    <Badge tone={tone} dot>
      {status}
    </Badge>
  );
}

export function KeysPage() {
  const [status, setStatus] = useState<KeyStatusFilter>('active');
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const { busy, error: actionError, run } = useAction();
  const keys = useResource(() => identity.keys({ status, limit: LIMIT, offset }), [status, offset]);

  async function revoke(key: ApiKey) {
    await run(async () => {
      await identity.revokeKey(key.id);
      keys.reload();
    });
    setRevoking(undefined);
  }

  return (
    <div className="page">
      <PageHeader
        title="API keys"
        description={
          <>
            Use a key with the AI-LA CLI, IDE extensions or any OpenAI-compatible tool: base URL{' '}
            <code>{window.location.origin}/v1</code>, the key as bearer token.
          </>
        }
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        }
      />
      <div className="stack">
        <ErrorAlert error={actionError} title="The key was not revoked" />
        <fieldset className="segmented">
          <legend className="visually-hidden">Key status</legend>
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={status === f.value}
              onClick={() => {
                setStatus(f.value);
                setOffset(0);
              }}
            >
              {f.label}
            </button>
          ))}
        </fieldset>
        <ResultsTable
          columns={KEY_COLUMNS}
          {...resourceRows(keys, (d) => d.keys)}
          empty={{
            title: status === 'active' ? 'No active keys' : `No ${status === 'all' ? '' : `${status} `}keys`,
            hint: 'Create a key to use AI-LA from your IDE, the CLI or scripts.',
          }}
          renderRow={(key) => (
            <tr key={key.id}>
              <td className="cell-title">{key.name}</td>
              <td>
                <code className="mono">{key.prefix}…</code>
              </td>
              <td>
                <span className="row">
                  {key.scopes.map((s) => (
                    <Badge key={s} tone="info">
                      {SCOPE_INFO[s]?.label ?? s}
                    </Badge>
                  ))}
                </span>
              </td>
              <td>
                <Time value={key.created_at} relative />
              </td>
              <td>
                <Time value={key.expires_at} />
              </td>
              <td>
                {key.last_used_at ? (
                  <Time value={key.last_used_at} relative />
                ) : (
                  <span className="muted">Never</span>
                )}
              </td>
              <td>
                <StatusBadge status={key.status} />
              </td>
              <td className="actions">
                {key.status === 'active' && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => setRevoking(key)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          )}
          after={
            keys.data && (
              <Pagination offset={offset} limit={LIMIT} total={keys.data.total} onChange={setOffset} />
            )
          }
        />
      </div>
      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          if (status !== 'active' && status !== 'all') setStatus('active');
          keys.reload();
        }}
      />
      <ConfirmDialog
        open={revoking !== undefined}
        title="Revoke API key?"
        confirmLabel="Revoke key"
        busy={busy}
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => revoking && revoke(revoking)}
      >
        <p>
          Tools using <strong>{revoking?.name}</strong> ({revoking?.prefix}…) stop working at once. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
