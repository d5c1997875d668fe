/**
 * A conversation under a project or task: earlier messages (their text when the appliance retains
 * content, else their metadata), and new answers streamed from POST /api/v1/chat, each with its
 * receipt and the verify action.
 */
import { useEffect, useRef, useState } from 'react';
import { assistant, type ChatAnswer, type Message, streamOperation } from '../../../api/assistant.js';
import type { ChatResult } from '../../../api/gateway.js';
import { Alert, ErrorAlert, Loading } from '../../../components/Feedback.js';
import { PageHeader } from '../../../components/Page.js';
import { useResource } from '../../../hooks/use-resource.js';
import { Link } from '../../../router/router.js';
import { ChatMessage, type Turn } from '../ChatMessage.js';
import { Composer } from '../Composer.js';

let nextId = 1;

/** Every message of the conversation (all pages). */
async function allMessages(id: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await assistant.messages(id, cursor);
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/** A turn of the page; `kept: false` marks an earlier message whose text the appliance did not keep. */
type KeptTurn = Turn & { kept?: boolean };

const turnOf = (m: Message): KeptTurn => ({
  id: nextId++,
  role: m.role,
  content:
    m.content ??
    (m.content_status === 'shredded'
      ? 'The text of this message was erased: its content key was destroyed.'
      : `Text not kept by this appliance (metadata only): ${m.content_chars} characters, SHA-256 ${m.content_sha256.slice(0, 16)}…`),
  state: 'done',
  kept: m.content !== null,
});

export function ConversationPage({ id }: { id: string }) {
  const conversation = useResource(() => assistant.conversation(id), [id]);
  const history = useResource(() => allMessages(id), [id]);
  const [turns, setTurns] = useState<KeptTurn[]>([]);
  const [draft, setDraft] = useState('');
  const controller = useRef<AbortController | null>(null);
  const streaming = turns.some((t) => t.state === 'streaming');
  useEffect(() => setTurns(history.data?.map(turnOf) ?? []), [history.data]);
  useEffect(() => () => controller.current?.abort(), []);
  const c = conversation.data;
  const hidden = history.data?.some((m) => m.content === null) ?? false;

  const update = (turnId: number, change: (t: KeptTurn) => KeptTurn) =>
    setTurns((list) => list.map((t) => (t.id === turnId ? change(t) : t)));

  async function send() {
    const text = draft.trim();
    if (!text || streaming) return;
    // The model sees what this page holds: retained and new messages (never the metadata notes).
    const messages = [
      ...turns
        .filter((t) => t.state === 'done' && t.kept !== false)
        .map((t) => ({ role: t.role, content: t.content })),
      { role: 'user' as const, content: text },
    ];
    const answer: KeptTurn = { id: nextId++, role: 'assistant', content: '', state: 'streaming' };
    setTurns((list) => [...list, { id: nextId++, role: 'user', content: text, state: 'done' }, answer]);
    setDraft('');
    const abort = new AbortController();
    controller.current = abort;
    const requestBody = { conversation_id: id, messages, stream: true };
    try {
      const outcome = await streamOperation<ChatAnswer>(
        '/api/v1/chat',
        { json: requestBody },
        (e) => e.content && update(answer.id, (t) => ({ ...t, content: t.content + e.content })),
        abort.signal,
      );
      const done = outcome.result;
      const result: ChatResult = {
        text: done?.message.content ?? '',
        finishReason: done?.finish_reason ?? null,
        usage: done
          ? { ...done.usage, total_tokens: done.usage.prompt_tokens + done.usage.completion_tokens }
          : null,
        receipt: outcome.receipt,
        requestId: outcome.requestId,
        requestBody,
        outputBytes: outcome.outputBytes,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
      };
      update(answer.id, (t) => ({
        ...t,
        content: done?.message.content ?? t.content,
        model: done?.model,
        result,
        state: outcome.status === 'ok' ? 'done' : outcome.status,
      }));
    } catch (err) {
      update(answer.id, (t) => ({ ...t, state: 'error', error: err }));
    } finally {
      controller.current = null;
    }
  }

  if (conversation.error)
    return <ErrorAlert error={conversation.error} title="The conversation could not be opened" />;
  if (!c) return <Loading page />;
  const back = c.task_id
    ? `/workspace/projects/${c.project_id}/tasks/${c.task_id}`
    : c.project_id
      ? `/workspace/projects/${c.project_id}`
      : '/workspace/projects';
  return (
    <div className="page page-chat">
      <PageHeader
        title={c.title ?? 'Conversation'}
        breadcrumb={
          <Link to={back}>
            {c.task_id ? 'Back to the task' : c.project_id ? 'Back to the project' : 'Projects'}
          </Link>
        }
        description="Answers are signed by the appliance and recorded in its transparency log."
      />
      {hidden && (
        <Alert tone="info">
          This appliance keeps metadata only (content retention none): earlier messages show their length and
          hash, not their text, and are not sent to the model again.
        </Alert>
      )}
      <ErrorAlert error={history.error} title="Messages could not be loaded" />
      <div className="chat">
        <div className="chat-log" role="log" aria-label="Conversation" aria-live="off">
          {turns.map((turn) => (
            <ChatMessage key={turn.id} turn={turn} />
          ))}
        </div>
        <Composer
          id="conversation-input"
          value={draft}
          placeholder="Ask about this work. Enter sends, Shift+Enter adds a line."
          streaming={streaming}
          canSend
          onChange={setDraft}
          onSend={() => void send()}
          onStop={() => controller.current?.abort()}
        />
      </div>
    </div>
  );
}
