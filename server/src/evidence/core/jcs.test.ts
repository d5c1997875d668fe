import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertEvidenceSafe, CanonicalizationError, canonicalBytes, canonicalize } from './jcs.js';

function fromIeeeHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  test('RFC 8785 §3.2.2 example: literals, numbers and string escaping', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    assert.equal(
      canonicalize(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('RFC 8785 §3.2.3 example: property sorting by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    assert.equal(
      canonicalize(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test('RFC 8785 Appendix B number serialization samples', () => {
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, expected] of samples) {
      assert.equal(canonicalize(fromIeeeHex(hex)), expected, hex);
    }
    for (const hex of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      assert.throws(() => canonicalize(fromIeeeHex(hex)), CanonicalizationError, hex);
    }
  });

  test('escapes exactly the characters RFC 8785 requires, lowercase hex', () => {
    assert.equal(canonicalize('\u0000\u001f\u007f/\u2028'), '"\\u0000\\u001f\u007f/\u2028"');
    assert.equal(canonicalize('\b\t\n\f\r"\\'), '"\\b\\t\\n\\f\\r\\"\\\\"');
    // For well-formed strings the result equals ECMAScript JSON.stringify, which RFC 8785 §3.2.2.2 mirrors.
    for (let cu = 0; cu < 0xd800; cu++) {
      const s = `a${String.fromCharCode(cu)}`;
      assert.equal(canonicalize(s), JSON.stringify(s));
    }
  });

  test('nested structures, empty containers, sorting inside arrays of objects', () => {
    assert.equal(
      canonicalize({ b: [], a: {}, c: [{ z: 1, y: [2, { x: null }] }] }),
      '{"a":{},"b":[],"c":[{"y":[2,{"x":null}],"z":1}]}',
    );
    assert.equal(canonicalize([]), '[]');
    assert.equal(canonicalize('x'), '"x"');
    assert.equal(canonicalize(null), 'null');
    // Keys differing only by a supplementary character sort by code unit, not code point.
    assert.equal(canonicalize({ '\uffff': 1, '\ud800\udc00': 2 }), '{"𐀀":2,"\uffff":1}');
  });

  test('object members with undefined are omitted; other non-JSON values throw', () => {
    assert.equal(canonicalize({ a: 1, b: undefined }), '{"a":1}');
    assert.throws(() => canonicalize([1, undefined]), /\$\[1\]: undefined/);
    assert.throws(() => canonicalize(undefined), CanonicalizationError);
    assert.throws(() => canonicalize({ a: Number.NaN }), /\$\.a: number NaN/);
    assert.throws(() => canonicalize({ a: [Number.POSITIVE_INFINITY] }), /\$\.a\[0\]/);
    assert.throws(() => canonicalize(1n), CanonicalizationError);
    assert.throws(() => canonicalize({ f: () => 1 }), CanonicalizationError);
    assert.throws(() => canonicalize({ s: Symbol('x') }), CanonicalizationError);
    assert.throws(() => canonicalize(new Date(0)), CanonicalizationError);
    assert.throws(() => canonicalize(Buffer.from('x')), CanonicalizationError);
    assert.throws(() => canonicalize(new Map()), CanonicalizationError);
    assert.throws(() => canonicalize('\ud800'), /lone surrogate/);
    assert.throws(() => canonicalize('a\udc00'), /lone surrogate/);
    assert.throws(() => canonicalize({ '\ud800': 1 }), /lone surrogate/);
    assert.equal(canonicalize(Object.assign(Object.create(null), { b: 1, a: 2 })), '{"a":2,"b":1}');
  });

  test('canonicalBytes is the UTF-8 encoding', () => {
    assert.deepEqual(
      canonicalBytes({ k: '€' }),
      Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x7d]),
    );
  });
});

describe('assertEvidenceSafe (EVIDENCE.md §1)', () => {
  test('accepts lowercase keys, safe integers, strings, booleans, arrays, objects', () => {
    assertEvidenceSafe({
      a_b: 'x',
      n: -9007199254740991,
      m: 9007199254740991,
      t: true,
      arr: [1, 'y', { z: false }],
      o: {},
    });
    assertEvidenceSafe({ skipped: undefined });
  });

  test('rejects bad keys, floats, unsafe integers, null and non-JSON values with the path', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ Bad: 1 }, /^\$\.Bad: key "Bad"/],
      [{ ext: { 'a-b': 1 } }, /^\$\.ext\["a-b"\]: key/],
      [{ a1: 1 }, /^\$\.a1: key/],
      [{ '': 1 }, /^\$\[""\]: key/],
      [{ ext: { tokens: 1.5 } }, /^\$\.ext\.tokens: number 1\.5/],
      [{ n: 9007199254740992 }, /^\$\.n: number/],
      [{ n: Number.NaN }, /^\$\.n: number NaN/],
      [{ list: ['a', null] }, /^\$\.list\[1\]: null/],
      [{ list: [undefined] }, /^\$\.list\[0\]: undefined/],
      [{ d: new Date(0) }, /^\$\.d: not a plain object/],
      [{ s: '\udfff' }, /^\$\.s: string contains a lone surrogate/],
      [{ b: 1n }, /^\$\.b: bigint/],
    ];
    for (const [value, re] of cases) {
      assert.throws(
        () => assertEvidenceSafe(value),
        (err: unknown) => err instanceof CanonicalizationError && re.test(err.message),
        re.source,
      );
    }
  });
});
