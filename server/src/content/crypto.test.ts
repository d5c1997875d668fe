import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  HEADER_BYTES,
  kekIdOf,
  newContentKey,
  open,
  SealedFormatError,
  seal,
  sealedKeyIds,
  unwrapKey,
  wrapKey,
} from './crypto.js';

const key = () => ({ id: randomUUID(), key: newContentKey() });

describe('content sealing', () => {
  test('a sealed value opens with the user and team keys it was sealed under', () => {
    const user = key();
    const team = key();
    const plaintext = Buffer.from('{"messages":[{"role":"user","content":"hi"}]}');
    const sealed = seal(user, team, plaintext);
    assert.deepEqual(sealedKeyIds(sealed), { userKeyId: user.id, teamKeyId: team.id });
    assert.equal(sealed.length, HEADER_BYTES + plaintext.length + 16);
    assert.deepEqual(open(user, team, sealed), plaintext);
  });

  test('without a team only the user key is needed', () => {
    const user = key();
    const sealed = seal(user, undefined, Buffer.from('solo'));
    assert.equal(sealedKeyIds(sealed).teamKeyId, null);
    assert.equal(open(user, undefined, sealed).toString(), 'solo');
  });

  test('each seal uses a fresh nonce', () => {
    const user = key();
    const a = seal(user, undefined, Buffer.from('same'));
    const b = seal(user, undefined, Buffer.from('same'));
    assert.notDeepEqual(a, b);
  });

  test('both keys are needed: another user or team key, or a key missing, does not open it', () => {
    const user = key();
    const team = key();
    const sealed = seal(user, team, Buffer.from('secret'));
    assert.throws(() => open(user, undefined, sealed), SealedFormatError);
    assert.throws(() => open(user, { id: team.id, key: newContentKey() }, sealed), SealedFormatError);
    assert.throws(() => open({ id: user.id, key: newContentKey() }, team, sealed), SealedFormatError);
  });

  test('any altered byte, header included, is detected', () => {
    const user = key();
    const team = key();
    const sealed = seal(user, team, Buffer.from('tamper me'));
    for (const at of [0, 5, 20, HEADER_BYTES - 1, HEADER_BYTES, sealed.length - 1]) {
      const copy = Buffer.from(sealed);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      assert.throws(() => open(user, team, copy), SealedFormatError, `byte ${at}`);
    }
    assert.throws(() => sealedKeyIds(sealed.subarray(0, 20)), SealedFormatError);
  });
});

describe('content key wrapping', () => {
  test('a wrapped key unwraps only under its KEK, for its own id and owner', () => {
    const kek = randomBytes(32);
    const contentKey = newContentKey();
    const id = randomUUID();
    const owner = randomUUID();
    const wrapped = wrapKey(kek, contentKey, id, 'user', owner);
    assert.deepEqual(unwrapKey(kek, wrapped, id, 'user', owner), contentKey);
    assert.throws(() => unwrapKey(randomBytes(32), wrapped, id, 'user', owner), SealedFormatError);
    assert.throws(() => unwrapKey(kek, wrapped, randomUUID(), 'user', owner), SealedFormatError);
    assert.throws(() => unwrapKey(kek, wrapped, id, 'team', owner), SealedFormatError);
    assert.throws(() => unwrapKey(kek, wrapped.subarray(1), id, 'user', owner), SealedFormatError);
  });

  test('the KEK id is stable, short and reveals nothing of the key', () => {
    const kek = randomBytes(32);
    assert.equal(kekIdOf(kek), kekIdOf(Buffer.from(kek)));
    assert.match(kekIdOf(kek), /^[A-Za-z0-9_-]{16}$/);
    assert.notEqual(kekIdOf(kek), kekIdOf(randomBytes(32)));
  });
});
