/**
 * Projects, tasks and conversations over real HTTP against real PostgreSQL: CRUD, keyset pages,
 * sharing with a team (members see and work on it, only the owner changes it), 404 for what the
 * caller cannot see, validation codes, and the audit events that matter.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Browser, signIn } from '../identity/support.js';
import { type AssistantFixture, codeOf, startAssistantFixture } from './support.js';

interface Project {
  id: string;
  name: string;
  owner_id: string;
  team_id: string | null;
  owned: boolean;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

describe('assistant: projects, tasks and conversations', () => {
  let f: AssistantFixture;
  let admin: Browser;
  let lead: Browser;
  let teamId: string;
  let devId: string;

  const json = async <T>(res: Response, status = 200): Promise<T> => {
    assert.equal(res.status, status, await res.clone().text());
    return (await res.json()) as T;
  };

  before(async () => {
    f = await startAssistantFixture();
    admin = await signIn(f.sso.app, 'admin@ai-la.dev');
    lead = await signIn(f.sso.app, 'lead@ai-la.dev');
    devId = (await f.browser.json<{ user: { id: string } }>('/api/v1/me')).user.id;
    const leadId = (await lead.json<{ user: { id: string } }>('/api/v1/me')).user.id;
    const team = await json<{ team: { id: string } }>(
      await admin.send('POST', '/api/v1/admin/teams', { slug: 'web', name: 'Web' }),
      201,
    );
    teamId = team.team.id;
    for (const user of [devId, leadId])
      await json(
        await admin.send('PUT', `/api/v1/admin/teams/${teamId}/members/${user}`, { role: 'member' }),
      );
  });
  after(() => f.stop());

  test('create, read, page through, rename and delete projects', async () => {
    const names = ['Alpha', 'Beta', 'Gamma'];
    const created: Project[] = [];
    for (const name of names)
      created.push(await json<Project>(await f.call('POST', '/api/v1/projects', { json: { name } }), 201));
    assert.equal(created[0]?.owner_id, devId);
    assert.equal(created[0]?.owned, true);
    const first = await json<Page<Project>>(await f.call('GET', '/api/v1/projects?limit=2'));
    assert.deepEqual(
      first.items.map((p) => p.name),
      ['Gamma', 'Beta'],
    );
    assert.ok(first.next_cursor);
    const second = await json<Page<Project>>(
      await f.call('GET', `/api/v1/projects?limit=2&cursor=${first.next_cursor}`),
    );
    assert.deepEqual(
      second.items.map((p) => p.name),
      ['Alpha'],
    );
    assert.equal(second.next_cursor, null);
    const found = await json<Page<Project>>(await f.call('GET', '/api/v1/projects?q=bet'));
    assert.deepEqual(
      found.items.map((p) => p.name),
      ['Beta'],
    );
    const id = created[1]?.id as string;
    const renamed = await json<Project & { description: string }>(
      await f.call('PATCH', `/api/v1/projects/${id}`, {
        json: { name: 'Beta 2', description: 'Payments UI' },
      }),
    );
    assert.equal(renamed.name, 'Beta 2');
    assert.equal((await f.call('DELETE', `/api/v1/projects/${id}`)).status, 204);
    assert.equal(await codeOf(await f.call('GET', `/api/v1/projects/${id}`)), 'NOT_FOUND');
    const events = await admin.json<{
      items: Array<{ action: string; event: { target?: { id: string }; details: Record<string, unknown> } }>;
    }>(`/api/v1/audit/events?action=project.deleted`);
    assert.ok(
      events.items.some((e) => e.event.target?.id === id),
      'deleting a project is audited',
    );
  });

  test('tasks: create, filter by status, update, delete; unknown ids are 404', async () => {
    const project = await json<Project>(
      await f.call('POST', '/api/v1/projects', { json: { name: 'Tasks' } }),
      201,
    );
    const base = `/api/v1/projects/${project.id}/tasks`;
    const a = await json<{ id: string; status: string }>(
      await f.call('POST', base, { json: { title: 'A' } }),
      201,
    );
    assert.equal(a.status, 'open');
    await json(
      await f.call('POST', base, { json: { title: 'B', status: 'done', description: 'shipped' } }),
      201,
    );
    const done = await json<Page<{ title: string }>>(await f.call('GET', `${base}?status=done`));
    assert.deepEqual(
      done.items.map((t) => t.title),
      ['B'],
    );
    const moved = await json<{ status: string }>(
      await f.call('PATCH', `${base}/${a.id}`, { json: { status: 'in_progress' } }),
    );
    assert.equal(moved.status, 'in_progress');
    assert.equal((await f.call('DELETE', `${base}/${a.id}`)).status, 204);
    assert.equal(await codeOf(await f.call('GET', `${base}/${a.id}`)), 'NOT_FOUND');
    assert.equal(await codeOf(await f.call('GET', `/api/v1/projects/${randomUUID()}/tasks`)), 'NOT_FOUND');
    assert.equal(
      await codeOf(await f.call('POST', base, { json: { title: 'x', status: 'blocked' } })),
      'VALIDATION_FAILED',
    );
  });

  test('a project shared with a team: members see it and add tasks, only the owner changes it, others get 404', async () => {
    const shared = await json<Project>(
      await f.call('POST', '/api/v1/projects', { json: { name: 'Shared', team_id: teamId } }),
      201,
    );
    assert.equal(shared.team_id, teamId);
    const seen = await json<Project>(await lead.fetch(`/api/v1/projects/${shared.id}`));
    assert.equal(seen.owned, false);
    await json(
      await lead.send('POST', `/api/v1/projects/${shared.id}/tasks`, { title: 'From the lead' }),
      201,
    );
    const denied = await lead.send('PATCH', `/api/v1/projects/${shared.id}`, { name: 'Mine now' });
    assert.equal(denied.status, 403);
    assert.equal(await codeOf(await lead.send('DELETE', `/api/v1/projects/${shared.id}`)), 'FORBIDDEN');
    assert.equal(
      await codeOf(await admin.fetch(`/api/v1/projects/${shared.id}`)),
      'NOT_FOUND',
      'not a member',
    );
    const audit = await admin.json<{
      items: Array<{ event: { target?: { id: string }; details: Record<string, unknown> } }>;
    }>('/api/v1/audit/events?action=project.shared');
    assert.ok(
      audit.items.some((e) => e.event.target?.id === shared.id && e.event.details.team_id === teamId),
    );
    // Made private again: the team no longer sees it.
    await json(await f.call('PATCH', `/api/v1/projects/${shared.id}`, { json: { team_id: null } }));
    assert.equal(await codeOf(await lead.fetch(`/api/v1/projects/${shared.id}`)), 'NOT_FOUND');
    const other = randomUUID();
    assert.equal(
      await codeOf(await f.call('POST', '/api/v1/projects', { json: { name: 'x', team_id: other } })),
      'VALIDATION_FAILED',
    );
  });

  test('conversations are private, listed by project, renamed and deleted (audited when they hold messages)', async () => {
    const project = await json<Project>(
      await f.call('POST', '/api/v1/projects', { json: { name: 'Chats' } }),
      201,
    );
    const empty = await json<{ id: string; project_id: string }>(
      await f.call('POST', '/api/v1/conversations', { json: { project_id: project.id, title: 'Plan' } }),
      201,
    );
    assert.equal(empty.project_id, project.id);
    const chat = await json<{ conversation_id: string }>(
      await f.call('POST', '/api/v1/chat', {
        json: { project_id: project.id, messages: [{ role: 'user', content: 'hello' }] },
      }),
    );
    const listed = await json<Page<{ id: string; message_count: number }>>(
      await f.call('GET', `/api/v1/conversations?project_id=${project.id}`),
    );
    assert.deepEqual(
      listed.items.map((c) => [c.id, c.message_count]),
      [
        [chat.conversation_id, 2],
        [empty.id, 0],
      ],
    );
    assert.equal(
      await codeOf(await lead.fetch(`/api/v1/conversations/${chat.conversation_id}`)),
      'NOT_FOUND',
    );
    const renamed = await json<{ title: string }>(
      await f.call('PATCH', `/api/v1/conversations/${chat.conversation_id}`, {
        json: { title: 'Greetings' },
      }),
    );
    assert.equal(renamed.title, 'Greetings');
    assert.equal((await f.call('DELETE', `/api/v1/conversations/${chat.conversation_id}`)).status, 204);
    assert.equal((await f.call('DELETE', `/api/v1/conversations/${empty.id}`)).status, 204);
    const events = await admin.json<{
      items: Array<{ event: { target?: { id: string }; details: Record<string, unknown> } }>;
    }>('/api/v1/audit/events?action=conversation.deleted');
    assert.deepEqual(
      events.items.map((e) => e.event.target?.id),
      [chat.conversation_id],
    );
  });

  test('malformed input gets 400 with a stable code', async () => {
    const conversation = await json<{ id: string }>(
      await f.call('POST', '/api/v1/conversations', { json: {} }),
      201,
    );
    const cases: Array<[string, string, unknown]> = [
      ['GET', '/api/v1/projects?cursor=bogus', undefined],
      ['GET', '/api/v1/projects?limit=0', undefined],
      ['GET', '/api/v1/projects/not-a-uuid', undefined],
      ['POST', '/api/v1/projects', { name: '' }],
      ['POST', '/api/v1/projects', { name: 'x', owner: devId }],
      ['PATCH', `/api/v1/projects/${randomUUID()}`, {}],
      ['POST', '/api/v1/conversations', { task_id: randomUUID() }],
      ['GET', `/api/v1/conversations/${conversation.id}/messages?cursor=%21`, undefined],
      ['GET', '/api/v1/operations?op=delete', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await f.call(method, path, body === undefined ? {} : { json: body });
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.equal(await codeOf(res), 'VALIDATION_FAILED', `${method} ${path}`);
    }
  });
});
