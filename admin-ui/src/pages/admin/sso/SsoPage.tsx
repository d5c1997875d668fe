/** SSO connections: every configured OIDC and SAML connection with its sign-in activity. */
import { type ConnectionSummary, idp } from '../../../api/idp.js';
import { Badge } from '../../../components/Feedback.js';
import { Card, PageHeader } from '../../../components/Page.js';
import { ResultsTable, resourceRows } from '../../../components/ResultsTable.js';
import { Time } from '../../../components/Time.js';
import { useResource } from '../../../hooks/use-resource.js';
import { formatNumber } from '../../../lib/format.js';
import { describeReason } from '../../../lib/sign-in-reasons.js';
import { Link } from '../../../router/router.js';

const COLUMNS = [
  { label: 'Connection' },
  { label: 'Protocol' },
  { label: 'Domains' },
  { label: 'Sign-ins (24 h)', numeric: true },
  { label: 'Last success' },
  { label: 'Last failure' },
  { label: 'Actions', hidden: true },
];

export const PROTOCOL_LABEL = { oidc: 'OpenID Connect', saml: 'SAML 2.0' } as const;

function SignInCounts({ c }: { c: ConnectionSummary }) {
  const { succeeded, failed } = c.sign_ins.last_24h;
  return (
    <span title={`${succeeded} succeeded, ${failed} refused`}>
      {formatNumber(succeeded)}
      {failed > 0 && <span className="text-danger"> · {formatNumber(failed)} refused</span>}
    </span>
  );
}

/** How connections change: they are configuration, reviewed and deployed like the rest of it. */
export function ConfigurationNote() {
  return (
    <Card title="Changing a connection" labelledBy="sso-config-heading">
      <div className="stack-sm">
        <p>
          Connections are part of the appliance configuration, not of this console: they are reviewed and
          deployed like the rest of it (GitOps, Helm values or Terraform), so every change has an author and a
          review. Add or change an entry under <code>auth.oidc.connections</code> or{' '}
          <code>auth.saml.connections</code> (client secrets and SP keys as <code>vault:</code> references or
          mounted files), roll the appliance out, and check the connection here with{' '}
          <strong>Test login</strong>.
        </p>
        <p className="subtle">
          Settings, IdP-side registration for Okta, Entra ID, Keycloak, ADFS and Google, and the test login
          are described in the <strong>Single sign-on</strong> guide of the AI-LA documentation (
          <code>docs/sso.md</code>).
        </p>
      </div>
    </Card>
  );
}

export function SsoPage() {
  const connections = useResource(() => idp.connections(), []);
  return (
    <div className="page">
      <PageHeader
        title="SSO connections"
        description="The identity providers people sign in with, their sign-ins over the last 24 hours and the last refusal with its reason. Open a connection for its live status, group mappings, SCIM provisioning and a test login."
      />
      <div className="stack">
        <ResultsTable
          columns={COLUMNS}
          {...resourceRows(connections, (d) => d.connections)}
          label="SSO connections"
          empty={{
            title: 'No SSO connection is configured',
            hint: 'Only the bootstrap link and break-glass sign-in work until a connection is added to the configuration.',
          }}
          renderRow={(c) => (
            <tr key={c.name}>
              <td>
                <div className="cell-title">{c.display_name}</div>
                <div className="cell-sub mono">{c.name}</div>
              </td>
              <td>
                <Badge tone="info">{PROTOCOL_LABEL[c.protocol]}</Badge>
              </td>
              <td className="mono">{c.domains.join(', ') || <span className="muted">any</span>}</td>
              <td className="num">
                <SignInCounts c={c} />
              </td>
              <td>
                <Time value={c.sign_ins.last_success_at} relative />
              </td>
              <td>
                {c.sign_ins.last_failure ? (
                  <>
                    <Time value={c.sign_ins.last_failure.at} relative />
                    <div className="cell-sub" title={describeReason(c.sign_ins.last_failure.reason)}>
                      <code>{c.sign_ins.last_failure.reason ?? 'unknown'}</code>
                    </div>
                  </>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
              <td className="actions">
                <Link
                  to={`/admin/sso/connections/${encodeURIComponent(c.name)}`}
                  className="btn btn-sm"
                  aria-label={`Open ${c.display_name}`}
                >
                  Open
                </Link>
              </td>
            </tr>
          )}
        />
        <ConfigurationNote />
      </div>
    </div>
  );
}
