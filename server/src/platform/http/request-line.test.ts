import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { createLogger } from '../logger.js';
import { type RequestLine, requestLines } from './request-line.js';

/** A logger writing into an array, one entry per line. */
function capture(make: (destination: Writable) => pino.Logger) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: make(destination), lines };
}

const settle = () => new Promise((r) => setImmediate(r));
/** Everything but the time, which differs between two lines written one after the other. */
const timeless = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');

const samples: RequestLine[] = [
  {
    requestId: '8c0d1f5e-2b1a-4c39-9d4e-0a6b2f3c4d5e',
    method: 'GET',
    path: '/livez',
    route: '/livez',
    status: 200,
    ms: 0.12,
  },
  {
    requestId: '8c0d1f5e-2b1a-4c39-9d4e-0a6b2f3c4d5e',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    method: 'POST',
    path: '/v1/"odd"\\path\u2028\u0007',
    status: 200,
    ms: 12.5,
    bytesIn: 512,
    aborted: true,
  },
  { requestId: 'r', method: 'GET', path: '/x', route: '/x', status: 503, ms: 1, bytesIn: 0, aborted: false },
];

describe('request lines', () => {
  test('are byte for byte what a logging call of the same fields writes', async () => {
    const direct = capture((d) => createLogger({ level: 'info', destination: d }));
    const called = capture((d) => createLogger({ level: 'info', destination: d }));
    const write = requestLines(direct.log);
    for (const line of samples) {
      write(line);
      const { requestId, traceId, ...fields } = line;
      const child = called.log.child(traceId ? { requestId, traceId } : { requestId });
      const msg =
        line.status >= 500 ? 'request failed' : line.aborted ? 'request aborted' : 'request completed';
      const fieldsWithAborted =
        fields.bytesIn === undefined ? fields : { ...fields, aborted: line.aborted === true };
      if (line.status >= 500) child.error(fieldsWithAborted, msg);
      else child.info(fieldsWithAborted, msg);
    }
    await settle();
    assert.equal(direct.lines.length, samples.length);
    assert.deepEqual(direct.lines.map(timeless), called.lines.map(timeless));
    for (const line of direct.lines) {
      const parsed = JSON.parse(line) as { time: string };
      assert.ok(!Number.isNaN(Date.parse(parsed.time)));
    }
  });

  test('follow the logger level', async () => {
    const quiet = capture((d) => createLogger({ level: 'error', destination: d }));
    const write = requestLines(quiet.log);
    for (const line of samples) write(line);
    await settle();
    assert.deepEqual(
      quiet.lines.map((l) => (JSON.parse(l) as { status: number }).status),
      [503],
    );
  });

  test('go through the logging call for a logger of another format', async () => {
    const other = capture((d) => pino({ level: 'info' }, d));
    requestLines(other.log)(samples[0] as RequestLine);
    await settle();
    const [line] = other.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(line?.level, 30);
    assert.equal(line?.path, '/livez');
    assert.equal(line?.msg, 'request completed');
  });
});
