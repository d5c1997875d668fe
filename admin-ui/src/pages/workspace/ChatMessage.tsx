/** One turn of the conversation: the user's prompt, or an answer with its receipt. */
import type { ChatResult } from '../../api/gateway.js';
import { ReceiptPanel } from '../../components/evidence/ReceiptPanel.js';
import { Alert, ErrorAlert } from '../../components/Feedback.js';
import { Markdown } from '../../components/Markdown.js';
import { formatNumber } from '../../lib/format.js';

export interface Turn {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  model?: string;
  state: 'streaming' | 'done' | 'cancelled' | 'error';
  result?: ChatResult;
  error?: unknown;
}

export function ChatMessage({ turn }: { turn: Turn }) {
  if (turn.role === 'user') {
    return (
      <article className="turn turn-user" aria-label="Your message">
        <div className="bubble">{turn.content}</div>
      </article>
    );
  }
  const result = turn.result;
  return (
    <article className="turn turn-assistant" aria-label="Answer" aria-busy={turn.state === 'streaming'}>
      <div className="answer">
        <div className="answer-meta">
          <span className="answer-model">{turn.model}</span>
          {result?.usage && (
            <span className="subtle">
              {formatNumber(result.usage.prompt_tokens)} in · {formatNumber(result.usage.completion_tokens)}{' '}
              out
            </span>
          )}
        </div>
        {turn.content ? (
          <Markdown text={turn.content} />
        ) : (
          turn.state === 'streaming' && <p className="muted typing">Thinking…</p>
        )}
        {turn.state === 'streaming' && turn.content && <span className="cursor" aria-hidden="true" />}
        {turn.state === 'cancelled' && (
          <Alert tone="warning">
            Stopped. The appliance records the cancelled call with its own receipt in the log.
          </Alert>
        )}
        <ErrorAlert error={turn.error ?? result?.error} title="The answer was not completed" />
        {result?.receipt && (
          <ReceiptPanel
            compact
            receipt={result.receipt}
            requestBody={result.requestBody}
            outputBytes={result.outputBytes}
          />
        )}
      </div>
    </article>
  );
}
