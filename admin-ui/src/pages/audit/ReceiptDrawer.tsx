/** One receipt: its signed fields, verification, and its inclusion proof checked in the browser. */
import { evidence } from '../../api/evidence.js';
import { Dialog } from '../../components/Dialog.js';
import { InclusionView } from '../../components/evidence/InclusionView.js';
import { ReceiptPanel, statusTone } from '../../components/evidence/ReceiptPanel.js';
import { Alert, Badge, ErrorAlert, Loading } from '../../components/Feedback.js';
import { verifyReceiptInclusion } from '../../evidence/inclusion.js';
import { parseTlogProof } from '../../evidence/tlog-proof.js';
import { logVerifierKeys } from '../../evidence/verify-flow.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatDateTime } from '../../lib/format.js';

export function ReceiptDrawer({ id, onClose }: { id: string | undefined; onClose(): void }) {
  const detail = useResource(async () => (id ? evidence.receipt(id) : undefined), [id]);
  const inclusion = useResource(async () => {
    const d = detail.data;
    if (!d?.proof) return undefined;
    const proof = parseTlogProof(d.proof);
    const keys = await logVerifierKeys();
    return { proof, check: await verifyReceiptInclusion(d.receipt, proof, keys.receipts) };
  }, [detail.data]);
  const d = detail.data;

  return (
    <Dialog
      open={id !== undefined}
      variant="drawer"
      title={d ? (d.index === null ? `Receipt ${d.pending_id}` : `Receipt #${d.index}`) : 'Receipt'}
      description={d ? `${d.op} · ${d.model} · ${formatDateTime(d.ts)}` : undefined}
      onClose={onClose}
    >
      {detail.loading && !d && <Loading />}
      <ErrorAlert error={detail.error} />
      {d && d.id === id && (
        <div className="stack">
          <dl className="dl">
            <dt>State</dt>
            <dd>
              <Badge tone={d.state === 'integrated' ? 'success' : 'info'} dot>
                {d.state === 'integrated' ? 'In the log' : 'Pending integration'}
              </Badge>
            </dd>
            <dt>Outcome</dt>
            <dd>
              <Badge tone={statusTone(d.status)}>{d.status}</Badge>
            </dd>
            <dt>User</dt>
            <dd className="mono">{d.subject}</dd>
            <dt>Team</dt>
            <dd className="mono">{d.team || '—'}</dd>
            <dt>Log</dt>
            <dd className="mono">{d.log}</dd>
          </dl>
          <section className="stack-sm" aria-labelledby="inclusion-heading">
            <h3 id="inclusion-heading">Inclusion in the receipts log</h3>
            {!d.proof && (
              <Alert tone="info">
                Not in the log yet: the sequencer integrates new receipts within a second.
              </Alert>
            )}
            {inclusion.loading && d.proof && <Loading label="Checking the inclusion proof…" />}
            <ErrorAlert error={inclusion.error} title="The proof could not be checked" />
            {inclusion.data && (
              <InclusionView check={inclusion.data.check} proof={inclusion.data.proof} log="receipts" />
            )}
          </section>
          <section className="stack-sm" aria-labelledby="receipt-heading">
            <h3 id="receipt-heading">Signed receipt</h3>
            <ReceiptPanel receipt={d.receipt} />
            <details>
              <summary>Receipt JSON</summary>
              <pre className="codebox">{JSON.stringify(d.receipt, null, 2)}</pre>
            </details>
          </section>
        </div>
      )}
    </Dialog>
  );
}
