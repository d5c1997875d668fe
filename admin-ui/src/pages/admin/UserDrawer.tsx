/** One user: roles with their source, teams, sign-in identities; edit roles, disable, end sessions. */
import { useState } from 'react';
import { identity, type UserDetail } from '../../api/identity.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { Badge } from '../../components/Feedback.js';
import { Time } from '../../components/Time.js';
import { useResource } from '../../hooks/use-resource.js';
import { roleLabel } from '../../session/permissions.js';
import { useSession } from '../../session/SessionProvider.js';
import { DetailDrawer, useDrawerActions } from './DetailDrawer.js';
import { EraseContent } from './EraseContent.js';
import { RolesDialog } from './RolesDialog.js';

type Pending = 'disable' | 'enable' | 'sessions' | undefined;

export function UserDrawer({
  userId,
  onClose,
  onChanged,
}: {
  userId: string | undefined;
  onClose(): void;
  onChanged(): void;
}) {
  const { me } = useSession();
  const detail = useResource(async () => (userId ? identity.user(userId) : undefined), [userId]);
  const [pending, setPending] = useState<Pending>();
  const [editing, setEditing] = useState(false);
  const actions = useDrawerActions(onChanged);
  const { busy, setNotice } = actions;

  const data = detail.data;
  const self = data?.user.id === me.user.id;

  async function run(action: () => Promise<UserDetail | { revoked: number }>, done: (r: unknown) => string) {
    await actions.act(async () => {
      const result = await action();
      if ('user' in result) detail.setData(result);
      return result;
    }, done);
    setPending(undefined);
  }

  const id = userId ?? '';
  return (
    <DetailDrawer
      open={userId !== undefined}
      title={data ? data.user.name || data.user.email : 'User'}
      description={data?.user.email}
      detail={detail}
      current={(d) => d.user.id === userId}
      actions={actions}
      onClose={onClose}
      body={(data) => (
        <>
          <dl className="dl">
            <dt>Status</dt>
            <dd>
              <Badge tone={data.user.status === 'active' ? 'success' : 'danger'} dot>
                {data.user.status}
              </Badge>
              {data.user.disabled_at && (
                <span className="subtle">
                  {' '}
                  since <Time value={data.user.disabled_at} />
                </span>
              )}
            </dd>
            <dt>Last sign-in</dt>
            <dd>
              <Time value={data.user.last_login_at} />
            </dd>
            <dt>Created</dt>
            <dd>
              <Time value={data.user.created_at} />
            </dd>
            <dt>User id</dt>
            <dd className="mono">{data.user.id}</dd>
          </dl>

          <section className="stack-sm" aria-labelledby="roles-heading">
            <div className="row-between">
              <h3 id="roles-heading">Roles</h3>
              <button type="button" className="btn btn-sm" onClick={() => setEditing(true)}>
                Change roles
              </button>
            </div>
            {data.roles.length === 0 ? (
              <p className="muted">No role: this user cannot use AI-LA.</p>
            ) : (
              <ul className="plain-list" aria-label="Roles">
                {data.roles.map((r) => (
                  <li key={`${r.role}/${r.team_id ?? ''}`} className="row">
                    <strong>{roleLabel(r.role)}</strong>
                    {r.team_slug && <span>of {r.team_slug}</span>}
                    <Badge tone={r.source === 'admin' ? 'accent' : 'neutral'}>
                      {r.source === 'admin' ? 'pinned by an admin' : `from ${r.source}`}
                    </Badge>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="stack-sm" aria-labelledby="teams-heading">
            <h3 id="teams-heading">Teams</h3>
            {data.teams.length === 0 ? (
              <p className="muted">Not a member of any team.</p>
            ) : (
              <ul className="plain-list">
                {data.teams.map((t) => (
                  <li key={t.id} className="row">
                    <strong>{t.name}</strong>
                    <span className="subtle">{t.slug}</span>
                    <Badge>{t.role === 'team_admin' ? 'team admin' : 'member'}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="stack-sm" aria-labelledby="identities-heading">
            <h3 id="identities-heading">Sign-in identities</h3>
            <ul className="plain-list">
              {data.identities.map((i) => (
                <li key={`${i.connection}/${i.subject}`}>
                  <strong>{i.connection}</strong> <span className="mono subtle">{i.subject}</span>
                  <div className="subtle">
                    Last used <Time value={i.last_login_at} relative />
                  </div>
                </li>
              ))}
            </ul>
          </section>

          <hr className="divider" />
          <section className="stack-sm" aria-labelledby="access-heading">
            <h3 id="access-heading">Access</h3>
            <div className="row">
              <button type="button" className="btn" onClick={() => setPending('sessions')} disabled={busy}>
                End all sessions
              </button>
              {data.user.status === 'active' ? (
                <button
                  type="button"
                  className="btn btn-danger"
                  onClick={() => setPending('disable')}
                  disabled={busy || self}
                  title={self ? 'You cannot disable yourself' : undefined}
                >
                  Disable user
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-primary"
                  onClick={() => setPending('enable')}
                  disabled={busy}
                >
                  Enable user
                </button>
              )}
            </div>
          </section>
          <EraseContent
            key={data.user.id}
            scope="user"
            id={data.user.id}
            name={data.user.name || data.user.email}
          />
        </>
      )}
    >
      {data && (
        <RolesDialog
          open={editing}
          detail={data}
          onClose={() => setEditing(false)}
          onSaved={(updated) => {
            detail.setData(updated);
            setEditing(false);
            setNotice('Roles saved.');
            onChanged();
          }}
        />
      )}
      <ConfirmDialog
        open={pending === 'disable'}
        title="Disable this user?"
        confirmLabel="Disable user"
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          run(
            () => identity.disableUser(id),
            () => 'User disabled; sessions ended and API keys revoked.',
          )
        }
      >
        <p>
          Every session ends and every API key of the user is revoked. They cannot sign in until enabled
          again.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'enable'}
        tone="primary"
        title="Enable this user?"
        confirmLabel="Enable user"
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          run(
            () => identity.enableUser(id),
            () => 'User enabled; they can sign in again.',
          )
        }
      >
        <p>The user can sign in again. API keys revoked when they were disabled stay revoked.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending === 'sessions'}
        title="End all sessions?"
        confirmLabel="End sessions"
        busy={busy}
        onCancel={() => setPending(undefined)}
        onConfirm={() =>
          run(
            () => identity.revokeUserSessions(id),
            (r) => `${(r as { revoked: number }).revoked} session(s) ended.`,
          )
        }
      >
        <p>The user is signed out everywhere and must sign in again. API keys keep working.</p>
      </ConfirmDialog>
    </DetailDrawer>
  );
}
