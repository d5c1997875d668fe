/** Verify any receipt: paste the JSON an answer carried (`tecp_receipt`) and check it everywhere. */
import { type FormEvent, useState } from 'react';
import { ReceiptPanel } from '../../components/evidence/ReceiptPanel.js';
import { ErrorAlert } from '../../components/Feedback.js';
import { Field } from '../../components/Field.js';
import { Card, PageHeader } from '../../components/Page.js';
import type { Receipt } from '../../evidence/receipt.js';

function parseReceipt(text: string): Receipt {
  const value: unknown = JSON.parse(text);
  const candidate =
    typeof value === 'object' && value !== null && 'tecp_receipt' in value
      ? (value as { tecp_receipt: unknown }).tecp_receipt
      : value;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !('sig' in candidate) ||
    !('pubkey' in candidate)
  ) {
    throw new Error('This JSON is not a TECP receipt: it has no sig and pubkey members.');
  }
  return candidate as Receipt;
}

export function VerifyPage() {
  const [text, setText] = useState('');
  const [receipt, setReceipt] = useState<Receipt>();
  // Each reading starts a fresh panel, even for a receipt that differs only in an unsigned member.
  const [reading, setReading] = useState(0);
  const [error, setError] = useState<unknown>();

  function submit(event: FormEvent) {
    event.preventDefault();
    setReceipt(undefined);
    try {
      setReceipt(parseReceipt(text));
      setReading((n) => n + 1);
      setError(undefined);
    } catch (err) {
      setError(err instanceof SyntaxError ? new Error(`The text is not valid JSON: ${err.message}`) : err);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Verify a receipt"
        description="Paste a receipt, or a whole API answer that carries one. Its signature and inclusion proof are checked in your browser, and the appliance confirms it is in the log."
      />
      <div className="stack">
        <Card>
          <form className="stack" onSubmit={submit}>
            <Field label="Receipt JSON">
              <textarea
                className="textarea mono"
                rows={8}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            </Field>
            <div>
              <button type="submit" className="btn btn-primary" disabled={!text.trim()}>
                Read receipt
              </button>
            </div>
            <ErrorAlert error={error} />
          </form>
        </Card>
        {receipt && <ReceiptPanel key={reading} receipt={receipt} />}
      </div>
    </div>
  );
}
