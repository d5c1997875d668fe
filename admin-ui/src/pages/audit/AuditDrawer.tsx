/** One audit event: what happened, who did it to what, and its inclusion in the audit log checked in the browser. */
import { evidence } from '../../api/evidence.js';
import { Dialog } from '../../components/Dialog.js';
import { InclusionView } from '../../components/evidence/InclusionView.js';
import { Alert, Badge, ErrorAlert, Loading } from '../../components/Feedback.js';
import { verifyAuditInclusion } from '../../evidence/inclusion.js';
import { parseTlogProof } from '../../evidence/tlog-proof.js';
import { logVerifierKeys } from '../../evidence/verify-flow.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatDateTime } from '../../lib/format.js';
import { outcomeTone } from './audit-actions.js';

export function AuditDrawer({ id, onClose }: { id: string | undefined; onClose(): void }) {
  const detail = useResource(async () => (id ? evidence.auditEvent(id) : undefined), [id]);
  const inclusion = useResource(async () => {
    const d = detail.data;
    if (!d?.proof) return undefined;
    const proof = parseTlogProof(d.proof);
    const keys = await logVerifierKeys();
    return { proof, check: await verifyAuditInclusion(d.event, proof, keys.audit) };
  }, [detail.data]);
  const d = detail.data;
  const e = d?.event;

  return (
    <Dialog
      open={id !== undefined}
      variant="drawer"
      title={e ? e.action : 'Audit event'}
      description={e ? formatDateTime(e.ts) : undefined}
      onClose={onClose}
    >
      {detail.loading && !d && <Loading />}
      <ErrorAlert error={detail.error} />
      {d && e && e.id === id && (
        <div className="stack">
          <dl className="dl">
            <dt>Outcome</dt>
            <dd>
              <Badge tone={outcomeTone(e.outcome)} dot>
                {e.outcome}
              </Badge>
            </dd>
            <dt>Actor</dt>
            <dd>
              {e.actor.type} <span className="mono">{e.actor.id}</span>
            </dd>
            {e.actor.ip_hmac && (
              <>
                <dt>Client address</dt>
                <dd
                  className="mono"
                  title="HMAC of the IP address: equal addresses give equal values, none can be read back"
                >
                  {e.actor.ip_hmac.slice(0, 28)}…
                </dd>
              </>
            )}
            <dt>Target</dt>
            <dd>
              {e.target ? (
                <>
                  {e.target.type} <span className="mono">{e.target.id}</span>
                </>
              ) : (
                '—'
              )}
            </dd>
            <dt>Request id</dt>
            <dd className="mono">{e.request_id ?? '—'}</dd>
            <dt>Event id</dt>
            <dd className="mono">{e.id}</dd>
            <dt>Log entry</dt>
            <dd>{d.log_index === null ? 'pending' : `#${d.log_index} of ${d.log}`}</dd>
          </dl>
          {Object.keys(e.details).length > 0 && (
            <section className="stack-sm" aria-labelledby="details-heading">
              <h3 id="details-heading">Details</h3>
              <dl className="dl">
                {Object.entries(e.details).map(([k, v]) => (
                  <div key={k} className="dl-row">
                    <dt>{k}</dt>
                    <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
          <section className="stack-sm" aria-labelledby="audit-inclusion-heading">
            <h3 id="audit-inclusion-heading">Inclusion in the audit log</h3>
            {!d.proof && (
              <Alert tone="info">Not in the log yet: new events are integrated within a second.</Alert>
            )}
            {inclusion.loading && d.proof && <Loading label="Checking the inclusion proof…" />}
            <ErrorAlert error={inclusion.error} title="The proof could not be checked" />
            {inclusion.data && (
              <InclusionView check={inclusion.data.check} proof={inclusion.data.proof} log="audit" />
            )}
          </section>
          <details>
            <summary>Event JSON (the log leaf, before canonicalisation)</summary>
            <pre className="codebox">{JSON.stringify(e, null, 2)}</pre>
          </details>
        </div>
      )}
    </Dialog>
  );
}
