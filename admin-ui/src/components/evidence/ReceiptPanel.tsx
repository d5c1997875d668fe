/** A receipt's signed fields at a glance, its canonical JSON, and the "Verify" action. */
import { useEffect, useRef, useState } from 'react';
import type { Receipt } from '../../evidence/receipt.js';
import { type ReceiptVerification, verifyReceiptEverywhere } from '../../evidence/verify-flow.js';
import { formatDateTime, formatNumber } from '../../lib/format.js';
import { Link } from '../../router/router.js';
import { useSession } from '../../session/SessionProvider.js';
import { HashValue } from '../Copy.js';
import { Badge, ErrorAlert, Spinner } from '../Feedback.js';
import { ReceiptVerificationView } from './ReceiptVerificationView.js';

/** How often and how long a pending receipt is checked again while the log integrates it. */
const RETRY_MS = 1000;
const MAX_RETRIES = 20;

export function statusTone(status: string | undefined): 'success' | 'warning' | 'danger' | 'neutral' {
  return status === 'ok'
    ? 'success'
    : status === 'cancelled'
      ? 'warning'
      : status === 'error'
        ? 'danger'
        : 'neutral';
}

export function ReceiptFields({ receipt }: { receipt: Receipt }) {
  const ext = receipt.ext;
  return (
    <dl className="dl receipt-fields">
      <dt>Key id</dt>
      <dd>{ext ? <HashValue value={ext.kid} /> : '—'}</dd>
      <dt>Input hash</dt>
      <dd>
        <HashValue value={receipt.input_hash} />
      </dd>
      <dt>Output hash</dt>
      <dd>
        <HashValue value={receipt.output_hash} />
      </dd>
      <dt>Signed at</dt>
      <dd>{formatDateTime(receipt.ts)}</dd>
      {ext && (
        <>
          <dt>Operation</dt>
          <dd>
            {ext.op} · {ext.model} · <Badge tone={statusTone(ext.status)}>{ext.status}</Badge>
          </dd>
          <dt>Tokens</dt>
          <dd>
            {formatNumber(ext.prompt_tokens)} in · {formatNumber(ext.completion_tokens)} out
          </dd>
          <dt>Request id</dt>
          <dd className="mono">{ext.request_id}</dd>
          <dt>Log</dt>
          <dd className="mono">{ext.log}</dd>
        </>
      )}
      <dt>Policies</dt>
      <dd className="row">
        {receipt.policy_ids.map((p) => (
          <Badge key={p} tone="accent">
            {p}
          </Badge>
        ))}
      </dd>
      <dt>Code</dt>
      <dd className="mono">{receipt.code_ref}</dd>
    </dl>
  );
}

export function ReceiptPanel({
  receipt,
  requestBody,
  inputBytes,
  outputBytes,
  compact = false,
}: {
  receipt: Receipt;
  requestBody?: unknown;
  inputBytes?: Uint8Array | undefined;
  outputBytes?: Uint8Array | null;
  compact?: boolean;
}) {
  const { can } = useSession();
  const [result, setResult] = useState<ReceiptVerification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const retries = useRef(0);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  async function verify() {
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await verifyReceiptEverywhere({
        receipt,
        ...(requestBody === undefined ? {} : { requestBody }),
        ...(inputBytes ? { inputBytes } : {}),
        ...(outputBytes ? { outputBytes } : {}),
      });
      if (!alive.current) return;
      setResult(outcome);
      if (outcome.pending && retries.current < MAX_RETRIES) {
        retries.current += 1;
        window.setTimeout(() => alive.current && void verify(), RETRY_MS);
        return;
      }
    } catch (err) {
      if (alive.current) setError(err);
    }
    if (alive.current) setBusy(false);
  }

  const index = result?.server.log?.index;
  return (
    <section className={compact ? 'receipt receipt-compact' : 'receipt'} aria-label="Receipt">
      <div className="receipt-head">
        <div className="row">
          <span className="receipt-title">TECP receipt</span>
          {result && (
            <Badge tone={result.valid ? 'success' : result.pending ? 'info' : 'danger'} dot>
              {result.valid ? 'Verified' : result.pending ? 'Waiting for the log' : 'Not verified'}
            </Badge>
          )}
          {index !== undefined && can('receipts:read') && (
            <Link to={`/audit/receipts/${index}`}>Receipt #{index}</Link>
          )}
        </div>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => {
            retries.current = 0;
            void verify();
          }}
          disabled={busy}
        >
          {busy ? <Spinner /> : null}
          {result ? 'Verify again' : 'Verify'}
        </button>
      </div>
      {compact ? (
        <details className="receipt-details">
          <summary>
            Key id <code className="mono">{receipt.ext?.kid.slice(0, 12) ?? '—'}…</code> · output{' '}
            <code className="mono">{receipt.output_hash.slice(0, 12)}…</code>
          </summary>
          <ReceiptFields receipt={receipt} />
        </details>
      ) : (
        <ReceiptFields receipt={receipt} />
      )}
      <ErrorAlert error={error} title="Verification could not run" />
      {result && <ReceiptVerificationView result={result} />}
    </section>
  );
}
