/** The result of a test login: what the IdP sent and what a real sign-in would have made of it. */
import { useEffect } from 'react';
import { idp, type TestLogin } from '../../../api/idp.js';
import { Alert, Badge, ErrorAlert, Loading, Spinner } from '../../../components/Feedback.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useResource } from '../../../hooks/use-resource.js';
import { describeReason } from '../../../lib/sign-in-reasons.js';
import { Link } from '../../../router/router.js';
import { roleLabel } from '../../../session/permissions.js';

/** While the IdP has not answered, the page asks again this often. */
const POLL_MS = 2000;

export const testLoginPath = (id: string) => `/admin/sso/test-logins/${encodeURIComponent(id)}`;

/** One sentence: what a real sign-in with this answer would do. */
export function verdictText(test: TestLogin): string {
  const error = test.result?.error;
  if (test.status === 'failed' && error) return `${error.message} (${error.code}, reason ${error.reason})`;
  const mapping = test.result?.mapping;
  if (!mapping) return 'The identity provider has not answered yet.';
  const who = mapping.profile?.email ?? test.result?.subject ?? 'the user';
  if (mapping.verdict.outcome === 'refused') {
    return `A real sign-in as ${who} would be refused: ${mapping.verdict.message} (${mapping.verdict.code}, reason ${mapping.verdict.reason})`;
  }
  const roles = mapping.roles.map((r) => (r.team ? `${roleLabel(r.role)} of ${r.team}` : roleLabel(r.role)));
  return `A real sign-in would ${mapping.verdict.created ? 'create' : 'sign in'} ${who} with ${roles.join(', ')}.`;
}

/** JWT time claims (RFC 7519 §4.1.4-4.1.6, OIDC Core §2 auth_time): seconds since the epoch. */
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/** A claim value as text: strings as they are, everything else as JSON; times also as a date. */
function ClaimValue({ name, value }: { name: string; value: unknown }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (!TIME_CLAIMS.has(name) || typeof value !== 'number') return <>{text}</>;
  return (
    <>
      {text} <span className="subtle">({new Date(value * 1000).toISOString().replace('.000Z', 'Z')})</span>
    </>
  );
}

function ClaimsTable({ claims, label }: { claims: Record<string, unknown>; label: string }) {
  const entries = Object.entries(claims).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name}>
              <td className="mono nowrap">{name}</td>
              <td className="mono break-all">
                <ClaimValue name={name} value={value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SOURCE = { groups: 'from groups', default_role: 'default role', pinned: 'pinned by an admin' } as const;

function MappingResult({ test }: { test: TestLogin }) {
  const mapping = test.result?.mapping;
  if (!mapping) return null;
  const { user } = mapping;
  return (
    <Card title="What a real sign-in would do" labelledBy="verdict-heading">
      <div className="stack">
        <dl className="dl">
          <dt>User</dt>
          <dd>
            {user.match === 'new' ? (
              <>
                A new user would be created
                {mapping.profile ? `: ${mapping.profile.name} <${mapping.profile.email}>` : ''}.
              </>
            ) : (
              <>
                <Link to={`/admin/users/${user.id}`}>{user.name || user.email}</Link>{' '}
                <span className="subtle">
                  matched by{' '}
                  {user.match === 'identity' ? 'IdP subject' : 'e-mail (the identity would be linked)'}
                </span>
                {user.status === 'disabled' && <Badge tone="danger">disabled</Badge>}
              </>
            )}
          </dd>
          <dt>Groups</dt>
          <dd className="mono break-all">
            {[...(mapping.profile?.groups ?? []), ...mapping.scim_groups.map((g) => `${g} (SCIM)`)].join(
              ', ',
            ) || 'none'}
          </dd>
          <dt>Roles</dt>
          <dd>
            {mapping.roles.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="plain-list" aria-label="Roles it would map to">
                {mapping.roles.map((r) => (
                  <li key={`${r.role}/${r.team ?? ''}`} className="row">
                    <strong>{roleLabel(r.role)}</strong>
                    {r.team && <span>of {r.team}</span>}
                    <Badge tone={r.source === 'pinned' ? 'accent' : 'neutral'}>{SOURCE[r.source]}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Teams</dt>
          <dd>
            {mapping.teams.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="plain-list" aria-label="Teams it would join">
                {mapping.teams.map((t) => (
                  <li key={t.slug} className="row">
                    <span className="mono">{t.slug}</span>
                    <span>{t.role === 'team_admin' ? 'as team admin' : 'as member'}</span>
                    {!t.exists && <Badge tone="info">would be created</Badge>}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      </div>
    </Card>
  );
}

export function TestLoginPage({ id }: { id: string }) {
  const test = useResource((signal) => idp.testLogin(id, signal), [id]);
  const current = test.data?.test_login;
  const waiting = current?.status === 'pending' || current?.status === 'redeemed';
  const { reload } = test;
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);

  const result = current?.result;
  const refused = result?.mapping?.verdict.outcome === 'refused';
  return (
    <div className="page">
      <PageHeader
        breadcrumb={
          <>
            <Link to="/admin/sso">SSO connections</Link>
            {current && (
              <>
                {' / '}
                <Link to={`/admin/sso/connections/${encodeURIComponent(current.connection)}`}>
                  {current.connection}
                </Link>
              </>
            )}
          </>
        }
        title="Test login result"
        description={
          current && (
            <>
              Started <Time value={current.started_at} />. Kept for an hour, visible only to you.
            </>
          )
        }
      />
      <div className="stack">
        <ErrorAlert error={test.error} />
        {test.loading && !current && <Loading />}
        {current && waiting && (
          <Alert tone="info" title="Waiting for the identity provider">
            <span className="row">
              <Spinner /> Finish the sign-in in the identity provider’s tab; this page updates by itself.
            </span>
          </Alert>
        )}
        {current && !waiting && (
          <Alert
            tone={current.status === 'failed' ? 'danger' : refused ? 'warning' : 'success'}
            title={
              current.status === 'failed'
                ? 'The test login failed'
                : refused
                  ? 'The IdP signed the person in, but AI-LA would refuse them'
                  : 'The IdP signed the person in'
            }
          >
            <p>{verdictText(current)}</p>
            {current.status === 'failed' && result?.error && <p>{describeReason(result.error.reason)}</p>}
            <p className="subtle">
              Nothing was created or changed and no session was opened. The test is in the audit log as{' '}
              <code>idp.test_login</code>.
            </p>
          </Alert>
        )}
        {current && <MappingResult test={current} />}
        {result?.claims && (
          <Card
            title={current?.protocol === 'saml' ? 'Attributes received' : 'Claims received'}
            description={
              current?.protocol === 'saml'
                ? 'The assertion’s attributes; the NameID stands in for a missing e-mail attribute.'
                : 'The ID token’s claims with UserInfo’s on top, as profile reading sees them.'
            }
            labelledBy="claims-heading"
          >
            <ClaimsTable claims={result.claims} label="Claims" />
          </Card>
        )}
        {result?.oidc && (
          <div className="grid-2">
            <Card title="ID token" labelledBy="id-token-heading">
              <ClaimsTable claims={result.oidc.id_token} label="ID token claims" />
            </Card>
            <Card title="UserInfo" labelledBy="userinfo-heading">
              {result.oidc.userinfo ? (
                <ClaimsTable claims={result.oidc.userinfo} label="UserInfo claims" />
              ) : (
                <p className="muted">The IdP has no UserInfo endpoint.</p>
              )}
            </Card>
          </div>
        )}
        {result?.saml && (
          <Card title="Assertion" labelledBy="assertion-heading">
            <dl className="dl">
              <dt>NameID</dt>
              <dd className="mono">{result.saml.name_id}</dd>
              <dt>Format</dt>
              <dd className="mono">{result.saml.name_id_format ?? '—'}</dd>
              <dt>Issuer</dt>
              <dd className="mono">{result.saml.issuer ?? '—'}</dd>
              <dt>Assertion ID</dt>
              <dd className="mono">{result.saml.assertion_id}</dd>
              <dt>Session index</dt>
              <dd className="mono">{result.saml.session_index ?? '—'}</dd>
              <dt>Valid until</dt>
              <dd>
                <Time value={result.saml.not_on_or_after} />
              </dd>
            </dl>
          </Card>
        )}
      </div>
    </div>
  );
}
