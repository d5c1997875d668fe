import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import express from 'express';
import { errorHandler } from './error-handler.js';
import { type Validated, validate } from './validate.js';

const Body = Type.Object(
  { name: Type.String({ minLength: 1 }), size: Type.Integer({ minimum: 1, default: 10 }) },
  { additionalProperties: false },
);
const Query = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

describe('validate()', () => {
  let url = '';
  let close = () => {};
  before(async () => {
    const app = express();
    app.use(express.json());
    const schemas = { body: Body, query: Query, params: Params };
    app.post('/things/:id', validate(schemas), (req, res) => {
      const { body, query, params } = req as Validated<typeof schemas>;
      res.json({ body, query, params });
    });
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('valid input passes with defaults applied and query strings coerced', async () => {
    const res = await post('/things/0b5c3a7e-8f1d-4c2b-9a6e-5d4c3b2a1f00?limit=5', { name: 'x' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      body: { name: 'x', size: 10 },
      query: { limit: 5 },
      params: { id: '0b5c3a7e-8f1d-4c2b-9a6e-5d4c3b2a1f00' },
    });
  });

  test('every problem is reported at once as VALIDATION_FAILED with field paths', async () => {
    const res = await post('/things/not-a-uuid?limit=500&debug=1', { size: 'big', extra: true });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as {
      error: { code: string; details: Array<{ field: string; message: string }> };
    };
    assert.equal(error.code, 'VALIDATION_FAILED');
    const fields = error.details.map((d) => d.field).sort();
    assert.deepEqual(fields, [
      'body.extra',
      'body.name',
      'body.size',
      'params.id',
      'query.debug',
      'query.limit',
    ]);
  });

  test('wrong JSON types never reach the handler', async () => {
    const res = await post('/things/0b5c3a7e-8f1d-4c2b-9a6e-5d4c3b2a1f00', ['not', 'an', 'object']);
    assert.equal(res.status, 400);
  });
});
