import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHtml, renderLoginPage, renderMessagePage } from './views.js';

describe('dev IdP views', () => {
  test('escapeHtml covers element content and both attribute quotes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  test('the login page escapes user data, client name, e-mail and error', () => {
    const html = renderLoginPage({
      uid: 'abc_123',
      clientName: '<client>',
      users: [
        { sub: 's', email: 'x@y.test', name: '<b>Eve</b>', preferredUsername: '"eve"', groups: ['<g>'] },
      ],
      email: '"><script>',
      error: '<i>bad</i>',
    });
    assert.ok(html.includes('Sign in as &lt;b&gt;Eve&lt;/b&gt; (&quot;eve&quot;)'));
    assert.ok(html.includes('&lt;client&gt;'));
    assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;"'));
    assert.ok(html.includes('&lt;i&gt;bad&lt;/i&gt;'));
    assert.ok(html.includes('groups: &lt;g&gt;'));
    assert.ok(html.includes('action="/interaction/abc_123/login"'));
    assert.ok(!/<script|<b>|<i>|<client>|<g>/.test(html));
  });

  test('message pages escape title, text and details', () => {
    const html = renderMessagePage('<t>', '<m>', [['<k>', '<v>']]);
    assert.ok(!/<t>|<m>|<k>|<v>/.test(html));
    assert.ok(html.includes('<dt>&lt;k&gt;</dt><dd>&lt;v&gt;</dd>'));
  });
});
