import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AUDIT_ACTIONS } from '../../src/audit/catalogue.js';
import { REPO_ROOT } from '../support/process.js';

describe('evidence documentation', () => {
  test('docs/audit.md lists exactly the audit action catalogue', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'audit.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(Object.fromEntries(listed), { ...AUDIT_ACTIONS });
  });
});
