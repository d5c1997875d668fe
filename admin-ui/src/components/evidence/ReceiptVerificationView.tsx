/** The outcome of {@link verifyReceiptEverywhere}, step by step. */
import type { ReceiptVerification } from '../../evidence/verify-flow.js';
import { formatNumber } from '../../lib/format.js';
import { Alert } from '../Feedback.js';
import { type Check, CheckList } from './CheckList.js';

export function ReceiptVerificationView({ result }: { result: ReceiptVerification }) {
  const { local, server, inclusion } = result;
  const checks: Check[] = [
    {
      label: 'Ed25519 signature over the RFC 8785 canonical receipt, checked in this browser',
      ok: local.signature,
      detail: local.problems.join('; ') || undefined,
    },
    { label: 'Key id is the SHA-256 of the signing key', ok: local.kid },
  ];
  if (result.inputMatches !== undefined) {
    checks.push({ label: 'Input hash matches the request this browser sent', ok: result.inputMatches });
  }
  if (result.outputMatches !== undefined) {
    checks.push({ label: 'Output hash matches the bytes this browser received', ok: result.outputMatches });
  }
  checks.push(
    {
      label: 'Appliance: receipt well-formed, signature valid',
      ok: server.checks.schema && server.checks.signature,
    },
    { label: 'Signing key is in the published key set (JWKS)', ok: server.checks.key_known },
    {
      label: server.log
        ? `In the receipts log at index ${formatNumber(server.log.index)} of ${formatNumber(server.log.size)}`
        : 'In the receipts log',
      ok: result.pending ? undefined : server.checks.in_log,
      detail: result.pending ? 'Signed and stored; the log integrates it within a second.' : undefined,
    },
    {
      label: 'Inclusion proof recomputed in this browser leads to the checkpoint’s root (RFC 9162)',
      ok: inclusion ? inclusion.rootMatches && inclusion.sizeMatches && inclusion.originMatches : undefined,
      detail: inclusion?.problems.filter((p) => !/signature/.test(p)).join('; ') || undefined,
    },
    {
      label: 'Checkpoint signed by the receipts log key, checked in this browser',
      ok: inclusion ? inclusion.checkpointSignature : undefined,
    },
  );
  return (
    <div className="stack-sm">
      {result.valid ? (
        <Alert tone="success" title="Receipt verified">
          Signed by this appliance, unchanged, and recorded in its transparency log.
        </Alert>
      ) : result.pending ? (
        <Alert tone="info" title="Waiting for the log">
          The receipt is signed and stored; it is being added to the transparency log.
        </Alert>
      ) : (
        <Alert tone="danger" title="Verification failed">
          {server.errors.length > 0
            ? server.errors.map((e) => `${e.code}: ${e.message}`).join('; ')
            : 'See the failed steps below.'}
        </Alert>
      )}
      <CheckList checks={checks} label="Verification steps" />
    </div>
  );
}
