/** One SSO connection: live IdP status, sign-ins, settings, group mapping, SCIM, and a test login. */
import type { ConnectionDetail } from '../../../api/idp.js';
import { idp } from '../../../api/idp.js';
import { Alert, Badge, ErrorAlert, Loading, Spinner } from '../../../components/Feedback.js';
import { Card, PageHeader, Stat } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatNumber } from '../../../lib/format.js';
import { describeReason } from '../../../lib/sign-in-reasons.js';
import { Link } from '../../../router/router.js';
import { MappingCard } from './MappingCard.js';
import { ScimCard } from './ScimCard.js';
import { ConfigurationNote, PROTOCOL_LABEL } from './SsoPage.js';
import { StatusCard } from './StatusCard.js';
import { testLoginPath, verdictText } from './TestLoginPage.js';
import { useTestLogin } from './use-test-login.js';

/** What a test login proves, by protocol. */
const PROOF = {
  oidc: 'ID token is signed by a key of its JWKS, for this client, with the nonce of this sign-in',
  saml: 'Response and assertion are signed by a trusted certificate, for this service provider, in time',
} as const;

function TestLoginCard({ name, protocol }: { name: string; protocol: 'oidc' | 'saml' }) {
  const test = useTestLogin(name);
  const { current } = test;
  const finished = current?.status === 'succeeded' || current?.status === 'failed';
  return (
    <Card
      title="Test login"
      description="Runs the real sign-in of this connection in a new tab: sign in there as the person to check (the IdP asks even if you are signed in). You see the claims the IdP sent and the roles and teams they would map to. No user is created or changed and no session is opened; the test is recorded in the audit log."
      actions={
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void test.start()}
          disabled={test.busy}
        >
          {test.busy ? 'Starting…' : 'Test login'}
        </button>
      }
      labelledBy="test-login-heading"
    >
      <div className="stack-sm" aria-live="polite">
        <ErrorAlert error={test.error} title="The test login did not start" />
        {test.blockedUrl && (
          <Alert tone="warning" title="The browser did not open a new tab">
            <a href={test.blockedUrl} target="_blank" rel="noopener noreferrer">
              Continue the test login at the identity provider
            </a>
          </Alert>
        )}
        {test.current === undefined && !test.busy && !test.error && !test.blockedUrl && (
          <ul className="checklist">
            <li>The IdP is reachable and its {PROOF[protocol]}</li>
            <li>The answer is bound to this browser, used once, and refused if replayed</li>
            <li>The claims carry an e-mail the connection accepts, and the groups map as intended</li>
          </ul>
        )}
        <Link
          to={`/audit/events?${new URLSearchParams({ action: 'idp.test_login', target: `idp_connection:${name}` })}`}
        >
          Earlier test logins in the audit log
        </Link>
        {current && !finished && (
          <p className="row">
            <Spinner /> Waiting for the sign-in in the other tab…
          </p>
        )}
        {current && finished && (
          <Alert
            tone={
              current.status === 'failed'
                ? 'danger'
                : current.result?.mapping?.verdict.outcome === 'refused'
                  ? 'warning'
                  : 'success'
            }
            title={current.status === 'failed' ? 'The test login failed' : 'The identity provider answered'}
          >
            <p>{verdictText(current)}</p>
            <Link to={testLoginPath(current.id)}>See the claims and the mapping</Link>
          </Alert>
        )}
      </div>
    </Card>
  );
}

function SettingsCard({ connection }: { connection: ConnectionDetail }) {
  return (
    <Card
      title="Settings"
      description="From the configuration (secrets are never shown)."
      labelledBy="settings-heading"
    >
      {connection.protocol === 'oidc' ? (
        <dl className="dl">
          <dt>Issuer</dt>
          <dd className="mono">{connection.oidc.issuer}</dd>
          <dt>Client ID</dt>
          <dd className="mono">{connection.oidc.client_id}</dd>
          <dt>Client auth</dt>
          <dd className="mono">{connection.oidc.token_endpoint_auth_method}</dd>
          <dt>Scopes</dt>
          <dd className="mono">{connection.oidc.scopes.join(' ')}</dd>
          <dt>Redirect URI</dt>
          <dd className="mono">{connection.oidc.redirect_uri}</dd>
          <dt>After sign-out</dt>
          <dd className="mono">{connection.oidc.post_logout_redirect_uri}</dd>
        </dl>
      ) : (
        <dl className="dl">
          <dt>SP entity ID</dt>
          <dd className="mono">{connection.saml.sp_entity_id}</dd>
          <dt>ACS (POST)</dt>
          <dd className="mono">{connection.saml.acs_url}</dd>
          <dt>Single logout</dt>
          <dd className="mono">{connection.saml.slo_url}</dd>
          <dt>SP metadata</dt>
          <dd>
            <a className="mono" href={connection.saml.sp_metadata_url}>
              {connection.saml.sp_metadata_url}
            </a>
          </dd>
          <dt>NameID format</dt>
          <dd className="mono">{connection.saml.name_id_format}</dd>
          <dt>Clock skew</dt>
          <dd>{connection.saml.clock_skew_ms / 1000} s</dd>
        </dl>
      )}
      {(connection.protocol === 'oidc'
        ? connection.oidc.allow_insecure_http
        : connection.saml.allow_insecure_http) && (
        <Alert tone="warning">
          allowInsecureHttp is on: IdP traffic may cross the network unencrypted (development only).
        </Alert>
      )}
    </Card>
  );
}

export function ConnectionPage({ name }: { name: string }) {
  const detail = useResource((signal) => idp.connection(name, signal), [name]);
  const connection = detail.data?.connection;
  return (
    <div className="page">
      <PageHeader
        breadcrumb={<Link to="/admin/sso">SSO connections</Link>}
        title={connection?.display_name ?? name}
        description={
          connection && (
            <>
              <Badge tone="info">{PROTOCOL_LABEL[connection.protocol]}</Badge>{' '}
              <span className="mono">{connection.name}</span>
            </>
          )
        }
        actions={
          <button type="button" className="btn" onClick={detail.reload} disabled={detail.loading}>
            Check again
          </button>
        }
      />
      <div className="stack">
        <ErrorAlert error={detail.error} />
        {detail.loading && !connection && <Loading label="Checking the identity provider…" />}
        {connection && (
          <>
            <StatusCard connection={connection} />
            <div className="stats">
              <Stat
                label="Sign-ins, last 24 h"
                value={formatNumber(connection.sign_ins.last_24h.succeeded)}
              />
              <Stat label="Refused, last 24 h" value={formatNumber(connection.sign_ins.last_24h.failed)} />
              <Stat
                label="Last success"
                value={<Time value={connection.sign_ins.last_success_at} relative />}
              />
              <Stat
                label="Last failure"
                value={<Time value={connection.sign_ins.last_failure?.at} relative />}
                note={
                  connection.sign_ins.last_failure && (
                    <span title={describeReason(connection.sign_ins.last_failure.reason)}>
                      <code>{connection.sign_ins.last_failure.reason}</code>:{' '}
                      {describeReason(connection.sign_ins.last_failure.reason)}
                    </span>
                  )
                }
              />
            </div>
            <TestLoginCard name={connection.name} protocol={connection.protocol} />
            <div className="grid-2">
              <SettingsCard connection={connection} />
              <MappingCard connection={connection} />
            </div>
            <ScimCard connection={connection.name} provisioned={connection.scim} />
            <ConfigurationNote />
          </>
        )}
      </div>
    </div>
  );
}
