/** The current signed checkpoint of one log, its signature checked in the browser against the log's key. */
import { evidence, type LogName } from '../../api/evidence.js';
import { CopyButton, HashValue } from '../../components/Copy.js';
import { Badge, ErrorAlert, Loading } from '../../components/Feedback.js';
import { Card } from '../../components/Page.js';
import { b64Encode } from '../../evidence/base64.js';
import { verifyCheckpoint } from '../../evidence/note.js';
import { logVerifierKeys } from '../../evidence/verify-flow.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatNumber } from '../../lib/format.js';

const TITLES: Record<LogName, { title: string; description: string }> = {
  receipts: { title: 'Receipts log', description: 'One leaf per AI operation (its signed TECP receipt).' },
  audit: { title: 'Audit log', description: 'One leaf per audit event.' },
};

export function LogCard({ log }: { log: LogName }) {
  const state = useResource(async () => {
    const [note, keys] = await Promise.all([evidence.checkpoint(log), logVerifierKeys()]);
    return { note, vkey: keys[log], verified: await verifyCheckpoint(note, keys[log]) };
  }, [log]);
  const { title, description } = TITLES[log];
  const v = state.data?.verified;
  return (
    <Card
      title={title}
      description={description}
      labelledBy={`log-${log}`}
      actions={
        v && (
          <Badge tone={v.signatureValid ? 'success' : 'danger'} dot>
            {v.signatureValid ? 'Signature verified' : 'Signature invalid'}
          </Badge>
        )
      }
    >
      {state.loading && !state.data && <Loading />}
      <ErrorAlert error={state.error} />
      {state.data && v && (
        <div className="stack-sm">
          <dl className="dl">
            <dt>Origin</dt>
            <dd className="mono">{v.checkpoint.origin}</dd>
            <dt>Tree size</dt>
            <dd data-testid={`${log}-size`}>{formatNumber(v.checkpoint.size)} entries</dd>
            <dt>Root hash</dt>
            <dd>
              <HashValue value={b64Encode(v.checkpoint.rootHash)} />
            </dd>
            <dt>Verifier key</dt>
            <dd>
              <HashValue value={state.data.vkey} />
            </dd>
          </dl>
          <details>
            <summary>Signed checkpoint (c2sp.org/tlog-checkpoint)</summary>
            <div className="stack-sm">
              <pre className="codebox checkpoint-text">{state.data.note}</pre>
              <div>
                <CopyButton text={state.data.note} label="Copy checkpoint" />
              </div>
            </div>
          </details>
        </div>
      )}
    </Card>
  );
}
