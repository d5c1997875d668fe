import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { AppError } from '../errors.js';
import { byteSize, isPlainJson, readJsonBody } from './lean-body.js';

/** A request with these headers whose body arrives in `chunks`. */
function request(headers: Record<string, string>, chunks: string[]): IncomingMessage {
  const req = Readable.from(chunks.map((c) => Buffer.from(c))) as unknown as IncomingMessage;
  Object.assign(req, { headers, complete: true });
  return req;
}

const code = (err: unknown) => (err instanceof AppError ? err.code : String(err));

describe('lean JSON bodies', () => {
  test('sizes as jsonBodyLimit writes them (1 kb = 1024 bytes)', () => {
    assert.equal(byteSize('512b'), 512);
    assert.equal(byteSize('512kb'), 512 * 1024);
    assert.equal(byteSize('4mb'), 4 * 1024 * 1024);
    assert.throws(() => byteSize('4 MB'));
  });

  test('only plain UTF-8 JSON without a content encoding is read on the lean path', () => {
    const plain = (headers: Record<string, string>) => isPlainJson({ headers } as IncomingMessage);
    assert.equal(plain({ 'content-type': 'application/json' }), true);
    assert.equal(plain({ 'content-type': 'Application/JSON; charset=UTF-8' }), true);
    assert.equal(plain({ 'content-type': 'application/json; charset=latin1' }), false);
    assert.equal(plain({ 'content-type': 'text/plain' }), false);
    assert.equal(plain({}), false);
    assert.equal(plain({ 'content-type': 'application/json', 'content-encoding': 'gzip' }), false);
  });

  test('parsed as express.json in strict mode', async () => {
    const json = { 'content-type': 'application/json' };
    const read = (chunks: string[], headers: Record<string, string> = { 'content-length': '1' }) =>
      readJsonBody(request({ ...json, ...headers }, chunks), 64);
    assert.deepEqual(await read(['{"a":', '[1,2]}']), { a: [1, 2] });
    assert.deepEqual(await read(['\ufeff {"a":1}']), { a: 1 });
    assert.deepEqual(await read([]), {});
    assert.equal(await read([], {}), undefined);
    assert.deepEqual(await read(['[]'], { 'transfer-encoding': 'chunked' }), []);
    assert.equal(await read(['"text"']).catch(code), 'MALFORMED_JSON');
    assert.equal(await read(['null']).catch(code), 'MALFORMED_JSON');
    assert.equal(await read(['{"a":']).catch(code), 'MALFORMED_JSON');
    assert.equal(await read(['{"a":"', 'x'.repeat(70), '"}']).catch(code), 'PAYLOAD_TOO_LARGE');
    assert.equal(await read(['{}'], { 'content-length': '65' }).catch(code), 'PAYLOAD_TOO_LARGE');
  });
});
