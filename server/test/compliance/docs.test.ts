import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OPENSSL_RECIPE, PYTHON_RECIPE, verifyDoc } from '../../src/compliance/bundle/verify-doc.js';
import { GO_VERIFIER } from '../../src/compliance/bundle/verify-go.js';
import { REPO_ROOT } from '../support/process.js';

describe('compliance documentation', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'compliance.md'), 'utf8');

  test('docs/compliance.md gives auditors the recipes the bundles carry and the tests run', () => {
    for (const [name, recipe] of Object.entries({ GO_VERIFIER, PYTHON_RECIPE, OPENSSL_RECIPE })) {
      assert.ok(doc.includes(recipe), `${name} differs from docs/compliance.md`);
    }
  });

  test('VERIFY.md of a bundle names its keys and carries the same recipes', () => {
    const text = verifyDoc({
      exportId: '4ad602d0-8981-4628-8e11-8c77b7795772',
      createdAt: '2026-12-01T00:00:00.000Z',
      requestedBy: '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a04',
      from: '2026-07-01T00:00:00.000Z',
      to: '2026-10-01T00:00:00.000Z',
      vkeys: { receipts: 'r+00000000+AQ==', audit: 'a+00000000+AQ==' },
      logs: ['receipts', 'audit'],
    });
    for (const part of [
      GO_VERIFIER,
      PYTHON_RECIPE,
      OPENSSL_RECIPE,
      "--receipts-vkey 'r+00000000+AQ=='",
      'aila-export-4ad602d0',
    ]) {
      assert.ok(text.includes(part), part.slice(0, 40));
    }
  });

  test('the screenshot used by docs/compliance.md exists', () => {
    const images = [...doc.matchAll(/\]\((images\/[^)]+)\)/g)].map((m) => m[1] as string);
    assert.ok(images.length > 0);
    for (const image of images) readFileSync(join(REPO_ROOT, 'docs', image));
  });
});
