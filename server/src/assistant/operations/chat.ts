/**
 * `chat`: the conversation so far in (as the client holds it, OpenAI style), the assistant's answer
 * out, streamed as deltas or whole. The exchange is appended to a conversation under the project and
 * task (created on the first message): metadata always, texts sealed when retention is `full`.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import type { AssistantConfig } from '../config-schema.js';
import type { Placement as ConversationPlacement, ConversationService } from '../conversations/service.js';
import type { Viewer } from '../projects/repository.js';
import { fence, type PromptTemplate, renderTemplate } from '../prompts/templates.js';
import type { ChatBody } from '../schemas.js';
import { answerFrame, completionBody, failedCall, type Plan } from './common.js';
import { wellFormedText } from './model-answer.js';
import type { WorkContext, WorkOutcome } from './runner.js';

/** Checks the conversation sent: sizes (413) and a user message last (400). */
export function checkMessages(body: ChatBody, config: AssistantConfig['chat']): void {
  if (body.messages.length > config.maxMessages)
    throw new AppError('PAYLOAD_TOO_LARGE', `At most ${config.maxMessages} messages may be sent.`);
  const long = body.messages.findIndex((m) => m.content.length > config.maxMessageChars);
  if (long >= 0)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `Message ${long} is longer than ${config.maxMessageChars} characters.`,
    );
  if (body.messages.at(-1)?.role !== 'user')
    throw new AppError('VALIDATION_FAILED', undefined, [
      {
        field: `body.messages.${body.messages.length - 1}.role`,
        message: 'must be user (the message to answer)',
      },
    ]);
}

/** The project and task as context (user part of the chat template), or '' outside a project. */
export function chatContext(
  template: PromptTemplate,
  project: { name: string; description: string } | undefined,
  task: { title: string; description: string; status: string } | undefined,
): string {
  if (!project) return '';
  const describe = (title: string, description: string) =>
    fence(description ? `${title}\n\n${description}` : title);
  return renderTemplate(template, {
    project: describe(project.name, project.description),
    task: task ? describe(`${task.title} (${task.status})`, task.description) : '',
  }).user;
}

/** Where the exchange is saved: an existing conversation, or a new one created with it. */
export interface ConversationTarget {
  id: string;
  create?: ConversationPlacement & { title?: string | undefined };
}

/** The work of a chat operation. */
export function chatWork(
  body: ChatBody,
  plan: Plan,
  context: string,
  target: ConversationTarget,
  save: { conversations: ConversationService; viewer: Viewer; teamId: string | null },
) {
  const { requestId, template, model, config, placement } = plan;
  return async (ctx: WorkContext): Promise<WorkOutcome> => {
    const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: template.system }];
    body.messages.forEach((m, i) => {
      // The context follows the first user message (some chat templates refuse two user turns in a
      // row), after the question, so the question stays what the message is about.
      const first = i === body.messages.findIndex((x) => x.role === 'user');
      messages.push({ role: m.role, content: first && context ? `${m.content}\n\n${context}` : m.content });
    });
    const onDelta = plan.stream
      ? (piece: string) => ctx.emit({ object: 'assistant.chat.delta', content: piece })
      : undefined;
    const call = await ctx.complete(completionBody(model, messages, config), onDelta);
    const failed = failedCall(call);
    if (failed) return failed;
    const answer = wellFormedText(call.content);
    const messageId = randomUUID();
    const question = body.messages.at(-1)?.content ?? '';
    return {
      status: 'ok',
      body: {
        ...answerFrame('assistant.chat', requestId, template, call, placement),
        conversation_id: target.id,
        message: { id: messageId, role: 'assistant', content: answer },
      },
      summary: { messages: body.messages.length, answer_chars: answer.length },
      commit: async (retained) => {
        await save.conversations.append(
          save.viewer,
          save.teamId,
          target.id,
          target.create,
          { requestId, user: question, answer, answerId: messageId },
          retained,
        );
        return retained;
      },
    };
  };
}
