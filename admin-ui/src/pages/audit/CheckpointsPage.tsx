/**
 * The logs' current checkpoints, the receipt signing keys, and the consistency check an auditor runs
 * against the checkpoint kept from the last audit.
 */
import { type FormEvent, useState } from 'react';
import { evidence, type LogName } from '../../api/evidence.js';
import { CheckList } from '../../components/evidence/CheckList.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Card, PageHeader } from '../../components/Page.js';
import { Time } from '../../components/Time.js';
import { type ConsistencyCheck, checkConsistency } from '../../evidence/consistency-flow.js';
import { useAction } from '../../hooks/use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatNumber } from '../../lib/format.js';
import { LogCard } from './LogCard.js';

function ConsistencyCard() {
  const [log, setLog] = useState<LogName>('receipts');
  const [note, setNote] = useState('');
  const [result, setResult] = useState<ConsistencyCheck>();
  const { busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setResult(undefined);
    await run(async () => setResult(await checkConsistency(log, note)));
  }

  return (
    <Card
      title="Prove the log was not rewritten"
      description="Paste the checkpoint you kept from your last audit (receipts/checkpoint of an export bundle, or one copied here)."
      labelledBy="consistency"
    >
      <form className="stack" onSubmit={submit}>
        <div>
          <Field label="Log" className="field-narrow">
            <select className="select" value={log} onChange={(e) => setLog(e.target.value as LogName)}>
              <option value="receipts">Receipts log</option>
              <option value="audit">Audit log</option>
            </select>
          </Field>
        </div>
        <Field label="Earlier checkpoint">
          <textarea
            className="textarea mono"
            rows={6}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !note.trim()}>
            Check consistency
          </button>
        </div>
        <ErrorAlert error={error} title="The check could not run" />
        {result && (
          <CheckList
            label="Consistency steps"
            checks={[
              {
                label: `Your checkpoint (${formatNumber(result.old.size)} entries) is signed by the log key`,
                ok: result.oldSignature,
              },
              {
                label: `The current checkpoint (${formatNumber(result.current.size)} entries) is signed by the log key`,
                ok: result.currentSignature,
              },
              { label: 'Both checkpoints are of the same log', ok: result.sameOrigin },
              {
                label: `The consistency proof (${result.hashes} hashes) shows your tree is a prefix of the current one (RFC 9162)`,
                ok: result.consistent,
              },
            ]}
          />
        )}
      </form>
    </Card>
  );
}

function KeysCard() {
  const jwks = useResource(() => evidence.jwks(), []);
  return (
    <Card
      title="Receipt signing keys"
      description="Every key that ever signed receipts, as published at /.well-known/tecp-jwks."
      flush
    >
      {jwks.loading && !jwks.data && <Loading />}
      <ErrorAlert error={jwks.error} />
      {jwks.data && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Valid from</th>
                <th scope="col">Valid until</th>
              </tr>
            </thead>
            <tbody>
              {jwks.data.keys.map((k) => (
                <tr key={k.kid}>
                  <td className="mono break-all">{k.kid}</td>
                  <td>
                    <Time value={k.nbf} />
                  </td>
                  <td>{k.exp ? <Time value={k.exp} /> : <span className="muted">current</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function CheckpointsPage() {
  return (
    <div className="page">
      <PageHeader
        title="Checkpoints"
        description="The signed heads of the appliance's two transparency logs. Signatures are checked in your browser; keep a checkpoint to prove later that nothing was rewritten."
      />
      <div className="stack">
        <div className="grid-2">
          <LogCard log="receipts" />
          <LogCard log="audit" />
        </div>
        <ConsistencyCard />
        <KeysCard />
      </div>
    </div>
  );
}
