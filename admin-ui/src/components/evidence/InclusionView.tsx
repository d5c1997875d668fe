/** The browser's recomputation of an inclusion proof against a signed checkpoint, step by step. */
import type { InclusionCheck, InclusionProof } from '../../evidence/inclusion.js';
import { formatNumber } from '../../lib/format.js';
import { HashValue } from '../Copy.js';
import { Alert } from '../Feedback.js';
import { CheckList } from './CheckList.js';

export function InclusionView({
  check,
  proof,
  log,
}: {
  check: InclusionCheck;
  proof: InclusionProof;
  log: string;
}) {
  return (
    <div className="stack-sm">
      {check.ok ? (
        <Alert tone="success" title={`Included in the ${log} log`}>
          Entry {formatNumber(proof.index)} of {formatNumber(proof.size)}: the proof and the checkpoint
          signature were checked in this browser.
        </Alert>
      ) : (
        <Alert tone="danger" title="The inclusion proof does not verify">
          {check.problems.join('; ')}
        </Alert>
      )}
      <CheckList
        label="Inclusion proof steps"
        checks={[
          {
            label: 'Leaf hash = SHA-256(0x00 ‖ RFC 8785 JCS of the entry)',
            ok: true,
            detail: <HashValue value={check.leafHash} />,
          },
          {
            label: `Root recomputed from ${proof.hashes.length} proof hashes (RFC 9162 §2.1.3.2)`,
            ok: check.computedRoot !== null,
            detail: check.computedRoot ? <HashValue value={check.computedRoot} /> : undefined,
          },
          { label: 'Recomputed root equals the checkpoint’s root', ok: check.rootMatches },
          { label: 'Checkpoint is for the tree size of the proof', ok: check.sizeMatches },
          { label: 'Checkpoint signed by the log key (Ed25519 signed note)', ok: check.checkpointSignature },
          { label: 'Checkpoint origin is the log the entry names', ok: check.originMatches },
        ]}
      />
      <details>
        <summary>Proof hashes and checkpoint</summary>
        <div className="stack-sm">
          <ol className="proof-hashes" start={1}>
            {proof.hashes.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: proof hashes are ordered and may repeat.
              <li key={i}>{h}</li>
            ))}
          </ol>
          <pre className="codebox checkpoint-text">{proof.checkpoint}</pre>
        </div>
      </details>
    </div>
  );
}
