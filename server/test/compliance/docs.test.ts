import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OPENSSL_RECIPE, PYTHON_RECIPE, verifyDoc } from '../../src/compliance/bundle/verify-doc.js';
import { GO_VERIFIER } from '../../src/compliance/bundle/verify-go.js';
import { formatVerifierKey, generateKeyPair, localSigner, signNote } from '../../src/evidence/core/index.js';
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

  test('the OpenSSL recipe verifies a signed note, whatever characters the base64 of the key holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aila-openssl-'));
    try {
      for (let found = 0, i = 0; found < 2 && i < 200; i++) {
        const pair = generateKeyPair();
        const vkey = formatVerifierKey('example.com/ai-la/receipts', pair.publicKeyRaw);
        // Keys whose base64 holds a "+" (like one in three) and keys whose base64 holds none.
        if (vkey.split('+').length > 3 !== (found === 0)) continue;
        found++;
        const note = await signNote(
          'example.com/ai-la/receipts\n5\nAAAA\n',
          'example.com/ai-la/receipts',
          localSigner(pair),
        );
        writeFileSync(join(dir, 'note'), note);
        const out = execFileSync('bash', ['-c', `${OPENSSL_RECIPE}\nverify_note note '${vkey}'`], {
          cwd: dir,
        }).toString();
        assert.match(out, /Signature Verified Successfully/);
        writeFileSync(join(dir, 'note'), note.replace('\n5\n', '\n6\n'));
        assert.throws(() =>
          execFileSync('bash', ['-c', `${OPENSSL_RECIPE}\nverify_note note '${vkey}'`], {
            cwd: dir,
            stdio: 'pipe',
          }),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the screenshot used by docs/compliance.md exists', () => {
    const images = [...doc.matchAll(/\]\((images\/[^)]+)\)/g)].map((m) => m[1] as string);
    assert.ok(images.length > 0);
    for (const image of images) readFileSync(join(REPO_ROOT, 'docs', image));
  });
});
