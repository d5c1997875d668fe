/** The developer's chat: streaming answers from the appliance's models, each with a verifiable receipt. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { gateway, type ChatMessage as Message, streamChat } from '../../api/gateway.js';
import { ErrorAlert, Loading } from '../../components/Feedback.js';
import { PageHeader } from '../../components/Page.js';
import { useResource } from '../../hooks/use-resource.js';
import { ChatMessage, type Turn } from './ChatMessage.js';
import { Composer } from './Composer.js';

const MODEL_KEY = 'aila.chat.model';
const SUGGESTIONS = [
  'Write a TypeScript function that validates an IBAN, with unit tests.',
  'Explain what this SQL does: SELECT team, sum(tokens) FROM usage GROUP BY team HAVING sum(tokens) > 1000;',
  'Refactor a Python loop that builds a list into a comprehension, and explain when not to.',
];

let nextId = 1;

export function ChatPage() {
  const models = useResource(() => gateway.models(), []);
  const [model, setModel] = useState(() => localStorage.getItem(MODEL_KEY) ?? '');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState('');
  const controller = useRef<AbortController | null>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const streaming = turns.some((t) => t.state === 'streaming');

  const available = models.data?.data ?? [];
  const chosen = available.some((m) => m.id === model) ? model : (available[0]?.id ?? '');

  useEffect(() => () => controller.current?.abort(), []);
  // Follow the answer as it grows.
  const lastLength = turns.at(-1)?.content.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the last answer grows.
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [turns.length, lastLength]);

  const update = (id: number, change: (turn: Turn) => Turn) =>
    setTurns((list) => list.map((t) => (t.id === id ? change(t) : t)));

  async function send(event?: FormEvent) {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || streaming || !chosen) return;
    const history: Message[] = turns
      .filter((t) => t.state === 'done' && t.content)
      .map((t) => ({ role: t.role, content: t.content }));
    const user: Turn = { id: nextId++, role: 'user', content: text, state: 'done' };
    const answer: Turn = { id: nextId++, role: 'assistant', content: '', model: chosen, state: 'streaming' };
    setTurns((list) => [...list, user, answer]);
    setDraft('');
    setStatus('Answering…');
    localStorage.setItem(MODEL_KEY, chosen);
    const abort = new AbortController();
    controller.current = abort;
    try {
      const result = await streamChat(
        { model: chosen, messages: [...history, { role: 'user', content: text }], signal: abort.signal },
        (piece) => update(answer.id, (t) => ({ ...t, content: t.content + piece })),
      );
      update(answer.id, (t) => ({
        ...t,
        content: result.text,
        result,
        state: result.status === 'ok' ? 'done' : result.status,
      }));
      setStatus(result.status === 'ok' ? 'Answer complete.' : 'Answer stopped.');
    } catch (err) {
      update(answer.id, (t) => ({
        ...t,
        state: abort.signal.aborted ? 'cancelled' : 'error',
        error: abort.signal.aborted ? undefined : err,
      }));
      setStatus('The answer failed.');
    } finally {
      controller.current = null;
    }
  }

  return (
    <div className="page page-chat">
      <PageHeader
        title="Chat"
        description="Ask about code. Every answer is signed by the appliance and recorded in its transparency log."
        actions={
          <>
            <label className="row">
              <span className="field-label">Model</span>
              <select
                className="select model-select"
                value={chosen}
                onChange={(e) => setModel(e.target.value)}
                disabled={available.length === 0 || streaming}
              >
                {available.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.id}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn"
              onClick={() => setTurns([])}
              disabled={streaming || turns.length === 0}
            >
              New conversation
            </button>
          </>
        }
      />
      <ErrorAlert error={models.error} title="Models could not be loaded" />
      {models.loading && !models.data && <Loading label="Loading models…" />}
      {models.data && available.length === 0 && (
        <ErrorAlert
          error={new Error('No model is available right now. An administrator can check the backends.')}
        />
      )}
      <div className="chat">
        <div className="chat-log" role="log" aria-label="Conversation" aria-live="off">
          {turns.length === 0 && (
            <div className="chat-empty">
              <h2>How can AI-LA help?</h2>
              <p className="muted">
                The conversation stays in this browser tab. Each answer's receipt says whether the appliance
                kept its content (policy no_retention: only hashes and metadata).
              </p>
              <div className="suggestions">
                {SUGGESTIONS.map((s) => (
                  <button key={s} type="button" className="suggestion" onClick={() => setDraft(s)}>
                    {s}
                  </button>
                ))}
              </div>
            </div>
          )}
          {turns.map((turn) => (
            <ChatMessage key={turn.id} turn={turn} />
          ))}
          <div ref={endRef} />
        </div>
        <output className="visually-hidden">{status}</output>
        <Composer
          id="chat-input"
          value={draft}
          placeholder="Ask a question or paste code. Enter sends, Shift+Enter adds a line."
          streaming={streaming}
          canSend={chosen !== ''}
          onChange={setDraft}
          onSend={() => void send()}
          onStop={() => controller.current?.abort()}
        />
      </div>
    </div>
  );
}
