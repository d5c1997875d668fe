import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  b64Decode,
  b64DecodeExact,
  b64Encode,
  b64EncodeInto,
  b64urlDecode,
  b64urlDecodeExact,
  b64urlEncode,
  EncodingError,
} from './encoding.js';

describe('base64 codecs', () => {
  test('RFC 4648 §10 test vectors', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of vectors) {
      assert.equal(b64Encode(Buffer.from(plain)), b64);
      assert.equal(b64Decode(b64).toString(), plain);
      const url = b64.replace(/=+$/, '');
      assert.equal(b64urlEncode(Buffer.from(plain)), url);
      assert.equal(b64urlDecode(url).toString(), plain);
    }
  });

  test('url alphabet and round trips of all byte values', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let n = 0; n <= all.length; n += 17) {
      const bytes = all.subarray(0, n);
      assert.deepEqual(b64urlDecode(b64urlEncode(bytes)), bytes);
      assert.deepEqual(b64Decode(b64Encode(bytes)), bytes);
    }
    assert.equal(b64urlEncode(Buffer.from([0xfb, 0xff])), '-_8');
    assert.equal(b64Encode(Buffer.from([0xfb, 0xff])), '+/8=');
    // Encoding a view must not leak the rest of the underlying buffer.
    assert.equal(b64urlEncode(Buffer.from('xxabyy').subarray(2, 4)), 'YWI');
  });

  test('b64url decoding is strict', () => {
    for (const bad of ['Zg==', 'Zg=', '+/8', 'Zm9v\n', ' Zm9v', 'Z', 'Zm9vY', 'Zh', 'Zm9=', 'Zm!v']) {
      assert.throws(() => b64urlDecode(bad), EncodingError, bad);
    }
  });

  test('b64 decoding is strict', () => {
    for (const bad of [
      'Zg',
      'Zg=',
      'Zh==',
      'Zm9=',
      '-_8=',
      'Zm9v\n',
      'Zm 9v',
      '====',
      'Z===',
      'Zg==Zg==',
      '=Zg=',
    ]) {
      assert.throws(() => b64Decode(bad), EncodingError, bad);
    }
  });

  test('encoding into a buffer writes the same text as b64Encode', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256));
      const out = Buffer.alloc(3 + Math.ceil(n / 3) * 4 + 2, 0x2e);
      const end = b64EncodeInto(bytes, out, 3);
      assert.equal(out.subarray(3, end).toString('latin1'), b64Encode(bytes), `${n} bytes`);
      assert.equal(out.subarray(0, 3).toString('latin1') + out.subarray(end).toString('latin1'), '.....');
    }
  });

  test('exact-length decoding', () => {
    assert.equal(b64urlDecodeExact('AAECAwQFBgcICQoLDA0ODw', 16).length, 16);
    assert.throws(() => b64urlDecodeExact('AAECAwQFBgcICQoLDA0ODw', 32), /expected 32 bytes, got 16/);
    assert.equal(b64DecodeExact(Buffer.alloc(32).toString('base64'), 32).length, 32);
    assert.throws(() => b64DecodeExact('AAAA', 32), EncodingError);
  });
});
