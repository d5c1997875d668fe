import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryAdapterFactory } from './memory-adapter.js';

describe('dev IdP memory adapter', () => {
  test('stores copies, finds by id and session uid, and consumes', async () => {
    const factory = createMemoryAdapterFactory(0);
    const sessions = factory('Session');
    const payload = { uid: 'u1', accountId: 'a' };
    await sessions.upsert('s1', payload, 60);
    payload.accountId = 'changed';
    assert.equal((await sessions.find('s1'))?.accountId, 'a');
    assert.equal((await sessions.findByUid('u1'))?.accountId, 'a');
    const codes = factory('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await codes.consume('c1');
    assert.equal(typeof (await codes.find('c1'))?.consumed, 'number');
    await sessions.destroy('s1');
    assert.equal(await sessions.findByUid('u1'), undefined);
  });

  test('models are separate namespaces and stores are separate per factory', async () => {
    const first = createMemoryAdapterFactory(0);
    await first('Session').upsert('same', { accountId: 'session' }, 60);
    await first('Interaction').upsert('same', { accountId: 'interaction' }, 60);
    assert.equal((await first('Session').find('same'))?.accountId, 'session');
    assert.equal(await createMemoryAdapterFactory(0)('Session').find('same'), undefined);
  });

  test('expired entries are not returned', async () => {
    const adapter = createMemoryAdapterFactory(0)('AccessToken');
    await adapter.upsert('t1', { accountId: 'a' }, 0);
    assert.equal(await adapter.find('t1'), undefined);
  });

  test('revoking a grant removes its tokens only', async () => {
    const factory = createMemoryAdapterFactory(0);
    await factory('AccessToken').upsert('t1', { grantId: 'g1' }, 60);
    await factory('AuthorizationCode').upsert('c1', { grantId: 'g1' }, 60);
    await factory('AccessToken').upsert('t2', { grantId: 'g2' }, 60);
    await factory('AccessToken').revokeByGrantId('g1');
    assert.equal(await factory('AccessToken').find('t1'), undefined);
    assert.equal(await factory('AuthorizationCode').find('c1'), undefined);
    assert.ok(await factory('AccessToken').find('t2'));
  });
});
