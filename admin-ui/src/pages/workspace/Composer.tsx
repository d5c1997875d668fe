/** The message box of a chat: Enter sends, Shift+Enter adds a line; Stop while an answer streams. */
import type { FormEvent, KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon.js';

export function Composer({
  id,
  value,
  placeholder,
  streaming,
  canSend,
  onChange,
  onSend,
  onStop,
}: {
  id: string;
  value: string;
  placeholder: string;
  streaming: boolean;
  canSend: boolean;
  onChange(value: string): void;
  onSend(): void;
  onStop(): void;
}) {
  function submit(event: FormEvent) {
    event.preventDefault();
    onSend();
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      onSend();
    }
  }
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        className="textarea composer-input"
        rows={3}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {streaming ? (
        <button type="button" className="btn" onClick={onStop}>
          <Icon name="stop" className="nav-icon" />
          Stop
        </button>
      ) : (
        <button type="submit" className="btn btn-primary" disabled={!value.trim() || !canSend}>
          <Icon name="send" className="nav-icon" />
          Send
        </button>
      )}
    </form>
  );
}
