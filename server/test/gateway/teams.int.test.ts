import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { type ContentFixture, MODEL, startContentFixture } from '../content/support.js';

type Receipt = { ext: { team: string; subject: string } };

/**
 * The team an AI call is charged to (quotas, usage, the receipt's ext.team): the user's team
 * membership, or the one of their teams that `x-aila-team` names.
 */
describe('gateway calls of team members', () => {
  let fx: ContentFixture;
  let teamA: string;
  let teamB: string;
  before(async () => {
    fx = await startContentFixture();
    const create = async (slug: string) => {
      const res = await fx.admin.send('POST', '/api/v1/admin/teams', { slug, name: slug, description: '' });
      assert.equal(res.status, 201, await res.clone().text());
      return ((await res.json()) as { team: { id: string } }).team.id;
    };
    teamA = await create(`alpha-${Date.now()}`);
    teamB = await create(`beta-${Date.now()}`);
  });
  after(() => fx?.stop());

  /** A chat call from the developer's browser session, with the session's CSRF token. */
  const ask = async (headers: Record<string, string> = {}) => {
    fx.dev.csrfToken ??= (await fx.dev.json<{ csrf_token: string }>('/api/v1/me')).csrf_token;
    return fx.dev.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'x-csrf-token': fx.dev.csrfToken, ...headers },
      json: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 },
    });
  };

  test('a plain member (no team role) is charged to the team, and may pick among their teams', async () => {
    await fx.dev.json('/api/v1/me'); // loads the CSRF token
    fx.dev.csrfToken = (
      (await fx.dev.json<{ csrf_token: string }>('/api/v1/me')) as { csrf_token: string }
    ).csrf_token;
    const before = (await (await ask()).json()) as { tecp_receipt: Receipt };
    assert.equal(before.tecp_receipt.ext.team, '', 'no team yet');

    for (const team of [teamA, teamB]) {
      const added = await fx.admin.send('PUT', `/api/v1/admin/teams/${team}/members/${fx.devUserId}`, {
        role: 'member',
      });
      assert.equal(added.status, 200, await added.clone().text());
    }
    const first = (await (await ask()).json()) as { tecp_receipt: Receipt };
    assert.equal(first.tecp_receipt.ext.team, teamA, 'the oldest membership by default');
    const picked = (await (await ask({ 'x-aila-team': teamB })).json()) as { tecp_receipt: Receipt };
    assert.equal(picked.tecp_receipt.ext.team, teamB);
    const refused = await ask({ 'x-aila-team': randomUUID() });
    assert.equal(refused.status, 403);
    const problem = (await refused.json()) as { error: { code: string } };
    assert.equal(problem.error.code, 'forbidden', 'OpenAI error shape');
  });

  test('an API key follows membership changes (the key cache hears them)', async () => {
    const created = await fx.dev.send('POST', '/api/v1/me/keys', { name: 'ide', scopes: ['gateway'] });
    const { secret } = (await created.json()) as { secret: string };
    const client = new OpenAI({ baseURL: `${fx.sso.app.url}/v1`, apiKey: secret, maxRetries: 0 });
    const teamOf = async () =>
      (
        (await client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'which team?' }],
          max_tokens: 4,
        })) as unknown as { tecp_receipt: Receipt }
      ).tecp_receipt.ext.team;
    assert.equal(await teamOf(), teamA);
    const removed = await fx.admin.send('DELETE', `/api/v1/admin/teams/${teamA}/members/${fx.devUserId}`);
    assert.equal(removed.status, 204);
    let team = await teamOf();
    for (let i = 0; i < 100 && team !== teamB; i++) {
      await new Promise((r) => setTimeout(r, 20));
      team = await teamOf();
    }
    assert.equal(team, teamB, 'the remaining team, once the membership change arrived');
  });
});
