/** Unit tests of the UI's non-visual parts: SSE parsing, the API client, routing, formatting, Markdown. */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  ApiError,
  api,
  onUnauthorized,
  send,
  setCsrfToken,
  toApiError,
  withQuery,
} from '../src/api/client.js';
import { SseParser } from '../src/api/sse.js';
import { niceMax } from '../src/components/charts/DailyChart.js';
import { formatUserCodeInput, normaliseUserCode, userCodeProblem } from '../src/lib/device-code.js';
import { dailyTokens, errorRate, periodOf } from '../src/lib/usage.js';
import { escapeHtml, renderMarkdown, safeHref } from '../src/markdown/render.js';
import { matchPath } from '../src/router/router.js';

describe('SSE parser', () => {
  const stream =
    'data: {"choices":[{"delta":{"content":"Grüß "}}]}\n\n' +
    'data: {"choices":[{"delta":{"content":"dich ✓"}}]}\r\n\r\n' +
    ': comment line\n\n' +
    'data: {"object":"tecp.receipt","tecp_receipt":{"sig":"x"}}\n\n' +
    'data: [DONE]\n\n';
  const bytes = new TextEncoder().encode(stream);

  test('yields the same events and byte offsets however the stream is split', () => {
    const whole = new SseParser().push(bytes);
    assert.deepEqual(
      whole.map((e) => e.data),
      [
        '{"choices":[{"delta":{"content":"Grüß "}}]}',
        '{"choices":[{"delta":{"content":"dich ✓"}}]}',
        '{"object":"tecp.receipt","tecp_receipt":{"sig":"x"}}',
        '[DONE]',
      ],
    );
    const receiptAt = new TextEncoder().encode(stream.slice(0, stream.indexOf('data: {"object"'))).length;
    assert.equal(whole[2]?.offset, receiptAt);
    for (let size = 1; size <= 7; size++) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < bytes.length; i += size) events.push(...parser.push(bytes.subarray(i, i + size)));
      assert.deepEqual(events, whole, `chunks of ${size} bytes`);
      assert.deepEqual(parser.bytes(), bytes);
    }
  });
});

describe('API client', () => {
  let url: string;
  let seen: Array<{ method: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      res.setHeader('x-request-id', '5e0b5f1c-0000-4000-8000-000000000001');
      if (req.url?.startsWith('/expired')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: 'SESSION_EXPIRED', message: 'Your session has expired; sign in again.' },
          }),
        );
      } else if (req.url?.startsWith('/invalid')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              code: 'VALIDATION_FAILED',
              message: 'The request is invalid.',
              details: [{ field: 'body.name', message: 'is required' }],
              request_id: 'r-1',
            },
          }),
        );
      } else if (req.url?.startsWith('/empty')) {
        res.writeHead(204).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      }
    });
  });
  before(async () => {
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    onUnauthorized(undefined);
    setCsrfToken(undefined);
    server.close();
  });

  test('state changes carry the CSRF token; reads do not', async () => {
    seen = [];
    setCsrfToken('csrf-123');
    await api.get(`${url}/x`);
    await api.post(`${url}/x`, { name: 'k' });
    await api.delete(`${url}/empty`);
    assert.equal(seen[0]?.headers['x-csrf-token'], undefined);
    assert.equal(seen[1]?.headers['x-csrf-token'], 'csrf-123');
    assert.equal(seen[1]?.headers['content-type'], 'application/json');
    assert.equal(seen[1]?.body, '{"name":"k"}');
    assert.equal(seen[2]?.headers['x-csrf-token'], 'csrf-123');
  });

  test('a 401 runs the session handler with the server code, and throws the server message', async () => {
    const codes: string[] = [];
    onUnauthorized((code) => codes.push(code));
    await assert.rejects(api.get(`${url}/expired`), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 401);
      assert.equal(err.message, 'Your session has expired; sign in again.');
      return true;
    });
    assert.deepEqual(codes, ['SESSION_EXPIRED']);
    await assert.rejects(send('GET', `${url}/expired`, { quiet401: true }));
    assert.deepEqual(codes, ['SESSION_EXPIRED']);
  });

  test('validation problems and request ids are kept for display', async () => {
    await assert.rejects(api.post(`${url}/invalid`, {}), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.deepEqual(err.fieldProblems, ['body.name: is required']);
      assert.equal(err.requestId, 'r-1');
      return true;
    });
  });

  test('OpenAI-shaped and non-JSON errors are understood', async () => {
    const openai = await toApiError(
      new Response(
        JSON.stringify({
          error: { message: 'No healthy backend.', type: 'server_error', code: 'no_backend_available' },
        }),
        {
          status: 503,
        },
      ),
    );
    assert.equal(openai.code, 'NO_BACKEND_AVAILABLE');
    assert.equal(openai.message, 'No healthy backend.');
    const html = await toApiError(
      new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    assert.equal(html.message, 'The server answered 502 Bad Gateway.');
  });

  test('an unreachable server is a readable error', async () => {
    await assert.rejects(api.get('http://127.0.0.1:1/x'), /could not be reached/);
  });

  test('query strings leave out empty values', () => {
    assert.equal(withQuery('/a', { q: 'x y', s: '', n: 0, u: undefined, z: null }), '/a?q=x+y&n=0');
    assert.equal(withQuery('/a', {}), '/a');
  });
});

describe('router', () => {
  test('matches params, refuses other shapes', () => {
    assert.deepEqual(matchPath('/admin/users/:id', '/admin/users/3f9a'), { id: '3f9a' });
    assert.deepEqual(matchPath('/admin/users/:id', '/admin/users/a%20b/'), { id: 'a b' });
    assert.equal(matchPath('/admin/users/:id', '/admin/users'), null);
    assert.equal(matchPath('/admin/users', '/admin/teams'), null);
    assert.equal(matchPath('/admin/users/:id', '/admin/users/%E0%A4%A'), null);
  });
});

describe('Markdown of model answers', () => {
  test('raw HTML is shown as text; no handler, style or script survives', () => {
    const html = renderMarkdown(
      'Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div style="color:red" onclick="x()">block</div>\n\n<a href="javascript:alert(1)">a</a>',
    );
    assert.ok(!/<script|<img|<div style|<a href="javascript/i.test(html), html);
    assert.ok(!/\son\w+="/i.test(html));
    assert.match(html, /&lt;script&gt;/);
  });

  test('links: http(s) and mailto only, opened safely; images are not fetched', () => {
    const html = renderMarkdown(
      '[ok](https://example.com/a?b=1) [bad](javascript:alert(1)) [data](data:text/html,x) ![logo](https://evil.example/x.png)',
    );
    assert.match(
      html,
      /<a href="https:\/\/example.com\/a\?b=1" rel="noopener noreferrer nofollow" target="_blank">ok<\/a>/,
    );
    assert.ok(!html.includes('javascript:'));
    assert.ok(!html.includes('data:text'));
    assert.ok(!html.includes('<img'));
    assert.match(html, /\[image: logo\]/);
    assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
    assert.equal(safeHref('/relative'), null);
  });

  test('code blocks are highlighted and escaped', () => {
    const html = renderMarkdown('```typescript\nconst x: string = "<b>";\n```');
    assert.match(html, /<code class="hljs language-typescript">/);
    assert.match(html, /<span class="hljs-keyword">const<\/span>/);
    assert.match(html, /&lt;b&gt;/);
    assert.equal(escapeHtml(`<a href="x">'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;');
  });
});

describe('usage charts', () => {
  test('every day of the period gets a point; axis maxima are round', () => {
    const points = dailyTokens(
      [
        {
          day: '2026-11-21',
          requests: 2,
          errors: 0,
          cancelled: 0,
          prompt_tokens: 10,
          completion_tokens: 30,
          total_tokens: 40,
          avg_latency_ms: 1,
          avg_ttft_ms: 1,
        },
      ],
      '2026-11-20',
      '2026-11-22',
    );
    assert.deepEqual(points, [
      { day: '2026-11-20', values: [0, 0] },
      { day: '2026-11-21', values: [10, 30] },
      { day: '2026-11-22', values: [0, 0] },
    ]);
    assert.deepEqual([niceMax(0), niceMax(7), niceMax(130), niceMax(4999)], [1, 10, 200, 5000]);
    assert.deepEqual(periodOf(7, Date.parse('2026-11-22T10:00:00Z')), {
      from: '2026-11-16',
      to: '2026-11-22',
    });
    assert.equal(errorRate(200, 3), '1.5%');
  });
});

describe('device sign-in codes', () => {
  test('typing is formatted as XXXX-XXXX, in upper case, at most 8 characters', () => {
    assert.equal(formatUserCodeInput('wdjb'), 'WDJB');
    assert.equal(formatUserCodeInput('wdjbm'), 'WDJB-M');
    assert.equal(formatUserCodeInput(' wd-jb mjht xyz'), 'WDJB-MJHT');
  });

  test('only 8 consonants of the server alphabet make a code; case, spaces and dashes do not matter', () => {
    assert.equal(normaliseUserCode('wdjb-mjht'), 'WDJB-MJHT');
    assert.equal(normaliseUserCode('WDJB MJHT'), 'WDJB-MJHT');
    assert.equal(normaliseUserCode('WDJB-MJH'), undefined);
    assert.equal(normaliseUserCode('WDJB-MJHA'), undefined);
    assert.equal(normaliseUserCode('WDJB-MJH1'), undefined);
    assert.equal(userCodeProblem(''), 'Enter the code your terminal shows.');
    assert.match(userCodeProblem('WDJB') ?? '', /8 letters/);
    assert.match(userCodeProblem('AEIO-1234') ?? '', /only consonants/);
    assert.equal(userCodeProblem('wdjbmjht'), undefined);
  });
});
