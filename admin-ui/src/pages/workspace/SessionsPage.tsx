/** The user's own sign-in sessions: where they are signed in, and signing out one of them. */
import { useState } from 'react';
import { identity, type Session } from '../../api/identity.js';
import { ConfirmDialog } from '../../components/Dialog.js';
import { Badge, ErrorAlert } from '../../components/Feedback.js';
import { PageHeader } from '../../components/Page.js';
import { ResultsTable, resourceRows } from '../../components/ResultsTable.js';
import { Time } from '../../components/Time.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { useNavigate } from '../../router/router.js';

const SESSION_COLUMNS = [
  { label: 'Device' },
  { label: 'Signed in with' },
  { label: 'Signed in' },
  { label: 'Last active' },
  { label: 'Ends' },
  { label: 'Actions', hidden: true },
];

/** A readable browser and platform from a User-Agent string ("Chrome on Linux"). */
export function describeAgent(agent: string | null): string {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : /curl\//.test(agent)
            ? 'curl'
            : 'Browser';
  const os = /Windows/.test(agent)
    ? 'Windows'
    : /Mac OS X|Macintosh/.test(agent)
      ? 'macOS'
      : /Android/.test(agent)
        ? 'Android'
        : /iPhone|iPad/.test(agent)
          ? 'iOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

export function SessionsPage() {
  const sessions = useResource(() => identity.sessions(), []);
  const navigate = useNavigate();
  const [revoking, setRevoking] = useState<Session | undefined>();
  const { busy, error, run } = useAction();

  async function revoke(session: Session) {
    await run(async () => {
      await identity.revokeSession(session.id);
      if (session.current) navigate('/login?reason=signed_out', { replace: true });
      else sessions.reload();
    });
    setRevoking(undefined);
  }

  return (
    <div className="page">
      <PageHeader
        title="Sessions"
        description="Browsers where you are signed in to AI-LA. Sign out a session you do not recognise; API keys are managed separately."
      />
      <div className="stack">
        <ErrorAlert error={error} title="The session was not signed out" />
        <ResultsTable
          columns={SESSION_COLUMNS}
          {...resourceRows(sessions, (d) => d.sessions)}
          empty={{ title: 'No active sessions' }}
          renderRow={(s) => (
            <tr key={s.id}>
              <td>
                <div className="cell-title row">
                  {describeAgent(s.user_agent)}
                  {s.current && <Badge tone="success">This browser</Badge>}
                </div>
                <div className="cell-sub" title={s.user_agent ?? undefined}>
                  {s.user_agent ? s.user_agent.slice(0, 80) : ''}
                </div>
              </td>
              <td>{s.connection}</td>
              <td>
                <Time value={s.created_at} />
              </td>
              <td>
                <Time value={s.last_seen_at} relative />
              </td>
              <td>
                <Time value={earliest(s.expires_at, s.idle_expires_at)} relative />
              </td>
              <td className="actions">
                <button type="button" className="btn btn-sm" onClick={() => setRevoking(s)}>
                  {s.current ? 'Sign out' : 'Revoke'}
                </button>
              </td>
            </tr>
          )}
        />
      </div>
      <ConfirmDialog
        open={revoking !== undefined}
        title={revoking?.current ? 'Sign out of this browser?' : 'Revoke this session?'}
        confirmLabel={revoking?.current ? 'Sign out' : 'Revoke session'}
        busy={busy}
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => revoking && revoke(revoking)}
      >
        <p>
          {revoking?.current
            ? 'You will be signed out here and return to the sign-in page.'
            : `The session on ${describeAgent(revoking?.user_agent ?? null)} ends at once; that browser must sign in again.`}
        </p>
      </ConfirmDialog>
    </div>
  );
}

function earliest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return new Date(a) < new Date(b) ? a : b;
}
