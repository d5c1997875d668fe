import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { embeddingToBase64, embeddingToList, embedText, truncateEmbedding } from './embedding.js';

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
}

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] as number), 0) / (norm(a) * norm(b));
}

describe('embedText', () => {
  test('is deterministic, unit length and of the requested size', () => {
    const a = embedText('parse a CSV file', 64);
    assert.equal(a.length, 64);
    assert.deepEqual(a, embedText('parse a CSV file', 64));
    assert.ok(Math.abs(norm(a) - 1) < 1e-5);
  });

  test('texts sharing words are closer than unrelated texts', () => {
    const base = embedText('read a csv file in python', 256);
    const related = embedText('python csv file reader', 256);
    const unrelated = embedText('kubernetes ingress tls certificate', 256);
    assert.ok(cosine(base, related) > cosine(base, unrelated));
  });

  test('handles text without words', () => {
    const empty = embedText('', 16);
    const punctuation = embedText('?!', 16);
    assert.ok(Math.abs(norm(empty) - 1) < 1e-5);
    assert.notDeepEqual(empty, punctuation);
  });

  test('truncation keeps a unit vector', () => {
    const short = truncateEmbedding(embedText('hello world', 32), 8);
    assert.equal(short.length, 8);
    assert.ok(Math.abs(norm(short) - 1) < 1e-5);
  });

  test('base64 is little-endian float32 of the same values as the float list', () => {
    const v = embedText('hello', 8);
    const bytes = Buffer.from(embeddingToBase64(v), 'base64');
    assert.equal(bytes.length, 32);
    const decoded = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
    assert.deepEqual(decoded, embeddingToList(v));
  });
});
