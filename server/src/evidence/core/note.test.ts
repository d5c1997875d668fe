import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKeyPair, keyPairFromSeed, localSigner } from './keys.js';
import {
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  NoteError,
  noteKeyId,
  noteVerifier,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.js';

// Test vectors published with golang.org/x/mod/sumdb/note (note_test.go).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function noteCode(code: string): (err: unknown) => boolean {
  return (err) => err instanceof NoteError && err.code === code;
}

describe('signed notes (c2sp.org/signed-note, Go sumdb/note vectors)', () => {
  test('parses Go signer and verifier keys and reproduces them', () => {
    const signer = parseSignerKey(PETER_SKEY);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.keyId, 0xc74f20a3);
    const pub = keyPairFromSeed(signer.seed).publicKeyRaw;
    assert.equal(formatVerifierKey('PeterNeumann', pub), PETER_VKEY);
    assert.equal(formatSignerKey('PeterNeumann', signer.seed), PETER_SKEY);
    const v = parseVerifierKey(PETER_VKEY);
    assert.deepEqual(v, { name: 'PeterNeumann', keyId: 0xc74f20a3, publicKey: pub });
    assert.equal(noteKeyId('PeterNeumann', pub), 0xc74f20a3);
    assert.deepEqual(noteVerifier('PeterNeumann', pub), v);
    assert.equal(parseVerifierKey(ENOCH_VKEY).keyId, 0xaf0cfe78);
  });

  test('rejects every truncation and single-byte change of a verifier key (as Go does)', () => {
    const b = Buffer.from(PETER_VKEY);
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i === 0 && j === b.length) continue;
        assert.throws(() => parseVerifierKey(b.subarray(i, j).toString()), noteCode('bad_key'));
      }
    }
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b);
      c[i] = (c[i] ?? 0) + 1;
      assert.throws(() => parseVerifierKey(c.toString('latin1')), NoteError, `byte ${i}`);
    }
    // Wrong key length and unknown algorithm, each with a matching key id.
    assert.throws(() =>
      parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    );
    assert.throws(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    );
    assert.throws(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')), noteCode('bad_key'));
  });

  test('signNote reproduces the Go signature byte for byte', async () => {
    const { seed } = parseSignerKey(PETER_SKEY);
    const note = await signNote(TEXT, 'PeterNeumann', localSigner(keyPairFromSeed(seed)));
    assert.equal(note, `${TEXT}\n${PETER_SIG}`);
    await assert.rejects(
      signNote('abc', 'PeterNeumann', localSigner(keyPairFromSeed(seed))),
      noteCode('malformed'),
    );
    await assert.rejects(signNote(TEXT, 'bad name', localSigner(keyPairFromSeed(seed))), noteCode('bad_key'));
    await assert.rejects(signNote('a\tb\n', 'x', localSigner(keyPairFromSeed(seed))), noteCode('malformed'));
  });

  test('openNote verifies known keys and ignores unknown ones', () => {
    const peter = parseVerifierKey(PETER_VKEY);
    const enoch = parseVerifierKey(ENOCH_VKEY);
    const msg = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(msg, [peter]);
    assert.equal(one.text, TEXT);
    assert.deepEqual(
      one.signatures.map((s) => [s.name, s.keyId]),
      [['PeterNeumann', 0xc74f20a3]],
    );
    assert.deepEqual(
      one.unverified.map((s) => [s.name, s.keyId]),
      [['EnochRoot', 0xaf0cfe78]],
    );
    assert.equal(openNote(Buffer.from(msg), [peter, enoch]).signatures.length, 2);
    assert.throws(() => openNote(msg, []), noteCode('unverified'));
    assert.throws(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]), noteCode('ambiguous_key'));
    assert.equal(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).signatures.length, 1);
  });

  test('openNote drops repeated signatures and rejects bad signatures by known keys', () => {
    const peter = parseVerifierKey(PETER_VKEY);
    const enochBad = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const opened = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochBad}`, [peter]);
    assert.equal(opened.signatures.length, 1);
    assert.equal(opened.unverified.length, 2);
    const peterBad = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    assert.throws(() => openNote(`${TEXT}\n${peterBad}`, [peter]), noteCode('invalid_signature'));
    assert.throws(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]), noteCode('malformed'));
    assert.throws(
      () => openNote(`${TEXT.replace('problem,', 'problem;')}\n${PETER_SIG}`, [peter]),
      noteCode('invalid_signature'),
    );
  });

  test('openNote rejects malformed notes', () => {
    const peter = parseVerifierKey(PETER_VKEY);
    const bad: Array<string | Buffer> = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]),
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n\u2014 PeterNeumann\n`,
      `${TEXT}\n\u2014 PeterNeumann AAAAAA==\n`,
      `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
      `${TEXT}\r\n${PETER_SIG}`,
      `${TEXT}\ud800\n${PETER_SIG}`,
    ];
    for (const msg of bad)
      assert.throws(() => openNote(msg, [peter]), noteCode('malformed'), JSON.stringify(String(msg)));
  });

  test('round trip with a fresh key, text with empty lines and a U+002B-free URL name', async () => {
    const kp = generateKeyPair();
    const name = 'ai-la.example.com/ai-la/receipts';
    const text = 'line one\n\nline three\n';
    const note = await signNote(text, name, localSigner(kp));
    const opened = openNote(note, [parseVerifierKey(formatVerifierKey(name, kp.publicKeyRaw))]);
    assert.equal(opened.text, text);
    assert.equal(isValidKeyName('a+b'), false);
    assert.equal(isValidKeyName('a\u00a0b'), false);
    assert.equal(isValidKeyName('a\u3000b'), false);
    assert.equal(isValidKeyName(''), false);
    assert.equal(isValidKeyName('é/ok'), true);
    assert.throws(() => formatVerifierKey('a b', kp.publicKeyRaw), noteCode('bad_key'));
  });
});
