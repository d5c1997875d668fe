/** Live status of a connection: OIDC discovery and keys, or SAML IdP metadata and certificates. */
import type { Certificate, ConnectionDetail } from '../../../api/idp.js';
import { Alert, Badge } from '../../../components/Feedback.js';
import { Card } from '../../../components/Page.js';
import { Time } from '../../../components/Time.js';
import { formatDate, formatMs } from '../../../lib/format.js';

const CERT_STATE = {
  ok: { tone: 'success', label: 'Valid' },
  expiring: { tone: 'warning', label: 'Expires soon' },
  expired: { tone: 'danger', label: 'Expired' },
  not_yet_valid: { tone: 'warning', label: 'Not yet valid' },
} as const;

/** "in 23 days", "3 days ago", "today". */
function daysText(days: number): string {
  if (days === 0) return 'today';
  if (days > 0) return `in ${days} day${days === 1 ? '' : 's'}`;
  return `${-days} day${days === -1 ? '' : 's'} ago`;
}

function CertificateRow({ cert, role }: { cert: Certificate; role: string }) {
  const state = CERT_STATE[cert.state];
  return (
    <tr>
      <td>
        <div className="cell-title">{role}</div>
        <div className="cell-sub mono break-all">{cert.subject}</div>
      </td>
      <td>
        <Badge tone={state.tone} dot>
          {state.label}
        </Badge>
      </td>
      <td className="nowrap">
        {formatDate(cert.valid_to)}
        <div className="cell-sub">{daysText(cert.days_left)}</div>
      </td>
      <td className="mono cell-sub break-all" title={cert.fingerprint_sha256}>
        {cert.fingerprint_sha256.slice(0, 23)}…
      </td>
    </tr>
  );
}

/** The certificates table, with a warning for any that expires within 30 days or has expired. */
function Certificates({ certs }: { certs: Array<{ cert: Certificate; role: string }> }) {
  const expiring = certs.filter((c) => c.cert.state !== 'ok');
  return (
    <div className="stack-sm">
      {expiring.map(({ cert, role }) => (
        <Alert
          key={cert.fingerprint_sha256}
          tone={cert.state === 'expired' ? 'danger' : 'warning'}
          title={`${role} ${cert.state === 'expired' ? 'has expired' : `expires ${daysText(cert.days_left)}`}`}
        >
          {role.startsWith('SP')
            ? 'Make a new SP key and certificate, give the certificate to the IdP, then roll out the new sp.privateKey and sp.certificate.'
            : 'Ask the IdP team for its new signing certificate and add it to idp.certs (both are trusted during the rotation), or refresh the metadata.'}
        </Alert>
      ))}
      <div className="table-wrap">
        <table className="table" aria-label="Certificates">
          <thead>
            <tr>
              <th scope="col">Certificate</th>
              <th scope="col">State</th>
              <th scope="col">Expires</th>
              <th scope="col">SHA-256 fingerprint</th>
            </tr>
          </thead>
          <tbody>
            {certs.map(({ cert, role }) => (
              <CertificateRow key={`${role}/${cert.fingerprint_sha256}`} cert={cert} role={role} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function StatusCard({ connection }: { connection: ConnectionDetail }) {
  const { status } = connection;
  const badge = status.reachable ? (
    <Badge tone="success" dot>
      Reachable
    </Badge>
  ) : (
    <Badge tone="danger" dot>
      Unreachable
    </Badge>
  );
  return (
    <Card
      title="Identity provider status"
      description={
        <>
          Checked <Time value={status.checked_at} relative /> from this appliance replica.
        </>
      }
      actions={badge}
      labelledBy="idp-status-heading"
    >
      <div className="stack">
        {!status.reachable && (
          <Alert tone="danger" title="Sign-ins through this connection fail right now">
            {status.error}
          </Alert>
        )}
        {connection.protocol === 'oidc' && connection.status.reachable && (
          <>
            {connection.status.problems.map((p) => (
              <Alert key={p} tone="warning">
                {p}
              </Alert>
            ))}
            <dl className="dl">
              <dt>Issuer</dt>
              <dd className="mono">{connection.status.issuer}</dd>
              <dt>Discovery</dt>
              <dd>answered in {formatMs(connection.status.latency_ms)}</dd>
              <dt>Signing keys</dt>
              <dd>{connection.status.signing_keys ?? '—'} in the JWKS</dd>
              <dt>Authorization</dt>
              <dd className="mono">{connection.status.authorization_endpoint ?? '—'}</dd>
              <dt>Token</dt>
              <dd className="mono">{connection.status.token_endpoint ?? '—'}</dd>
              <dt>UserInfo</dt>
              <dd className="mono">{connection.status.userinfo_endpoint ?? 'none'}</dd>
              <dt>Sign-out</dt>
              <dd className="mono">
                {connection.status.end_session_endpoint ?? 'none (sign-out ends the AI-LA session only)'}
              </dd>
            </dl>
          </>
        )}
        {connection.protocol === 'saml' && (
          <>
            {connection.status.reachable && (
              <dl className="dl">
                <dt>IdP entity ID</dt>
                <dd className="mono">{connection.status.idp_entity_id ?? '—'}</dd>
                <dt>Metadata</dt>
                <dd>
                  {connection.status.metadata_source === 'metadata_url' ? (
                    <>
                      from <span className="mono">{connection.saml.idp_metadata_url}</span>, fetched{' '}
                      <Time value={connection.status.metadata_fetched_at} relative />, refreshed hourly
                    </>
                  ) : connection.status.metadata_source === 'metadata_xml' ? (
                    'pinned in the configuration (idp.metadataXml)'
                  ) : (
                    'none: entity ID, SSO URL and certificates set in the configuration'
                  )}
                </dd>
                <dt>Single sign-on</dt>
                <dd className="mono">{connection.status.sso_url}</dd>
                <dt>Single logout</dt>
                <dd className="mono">{connection.status.slo_url ?? 'none'}</dd>
              </dl>
            )}
            <Certificates
              certs={[
                ...(connection.status.reachable
                  ? connection.status.idp_certificates.map((cert, i) => ({
                      cert,
                      role: `IdP signing certificate ${i + 1}`,
                    }))
                  : []),
                { cert: connection.status.sp_certificate, role: 'SP signing certificate (this appliance)' },
              ]}
            />
          </>
        )}
      </div>
    </Card>
  );
}
