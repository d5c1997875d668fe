/**
 * VERIFY.md of a bundle: how to verify it with the appliance CLI and with independent tools, step by
 * step, saying what each step proves. The same recipes are in docs/compliance.md and run in tests.
 */
import { GO_VERIFIER } from './verify-go.js';

/** Python (standard library only): every file against the manifest, every inclusion proof (RFC 9162 §2.1.3.2). */
export const PYTHON_RECIPE = `import base64, hashlib, json

def sha256(b): return hashlib.sha256(b).digest()

def included(index, size, leaf, proof, root):  # RFC 9162 section 2.1.3.2
    fn, sn, r = index, size - 1, sha256(b"\\x00" + leaf)
    for p in proof:
        if sn == 0: return False
        if fn % 2 == 1 or fn == sn:
            r = sha256(b"\\x01" + p + r)
            while fn % 2 == 0 and fn != 0: fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(b"\\x01" + r + p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root

manifest = json.load(open("manifest.json", "rb"))
for f in manifest["files"]:
    data = open(f["path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["path"]
print("files: %d match the manifest" % len(manifest["files"]))

for log in manifest["logs"]:
    lines = open(log + "/checkpoint").read().split("\\n")
    size, root = int(lines[1]), base64.b64decode(lines[2])
    blocks = open(log + "/proofs").read().rstrip("\\n").split("\\n\\n")
    entries = open(log + "/entries.jsonl", "rb").read().split(b"\\n")[:-1]
    assert len(entries) == len(blocks if entries else []) == manifest["counts"][log], log
    for n, (leaf, block) in enumerate(zip(entries, blocks), 1):
        head, *hashes = block.split("\\n")
        index = int(head[len("index "):])
        assert included(index, size, leaf, [base64.b64decode(h) for h in hashes], root), (log, n)
    print("%s: %d inclusion proofs verify against the checkpoint of size %d" % (log, len(entries), size))
`;

/** POSIX shell and OpenSSL 3: the Ed25519 signature of a signed note (a checkpoint or manifest.sig). */
export const OPENSSL_RECIPE = `# verify_note <note file> <verifier key>: checks the note's Ed25519 signature with OpenSSL.
verify_note() {
  # The vkey is <name>+<key id>+<base64(0x01 || public key)>; the base64 may itself contain "+".
  key=\${2#*+}; key=\${key#*+}
  # Wrap the 32-byte public key in an Ed25519 SubjectPublicKeyInfo.
  { printf '\\060\\052\\060\\005\\006\\003\\053\\145\\160\\003\\041\\000'
    printf '%s' "$key" | base64 -d | tail -c 32; } > note-key.der
  openssl pkey -pubin -inform DER -in note-key.der -out note-key.pem
  sed '/^$/,$d' "$1" > note.txt                        # the signed text: lines before the empty line
  tail -n 1 "$1" | awk '{print $3}' | base64 -d | tail -c 64 > note.sig   # after the 4-byte key id
  openssl pkeyutl -verify -pubin -inkey note-key.pem -rawin -in note.txt -sigfile note.sig
}`;

export interface VerifyDocParams {
  exportId: string;
  createdAt: string;
  requestedBy: string;
  from: string;
  to: string;
  vkeys: { receipts: string; audit: string };
  logs: string[];
}

/** The VERIFY.md text of one bundle. */
export function verifyDoc(p: VerifyDocParams): string {
  const file = `aila-export-${p.exportId}.tar.gz`;
  const sinceLogs = p.logs.map((l) => `${l}/checkpoint`).join(' and ');
  return `# Verifying compliance export ${p.exportId}

Created ${p.createdAt} at the request of user ${p.requestedBy}, for ${p.from} to ${p.to}.

The bundle carries the keys it was signed with (\`keys/\`). Do not rely on them alone: compare them with
the verifier keys you obtained from the appliance (\`GET /api/v1/tecp/vkeys\`) or kept from your last audit,
and pass those. Here they are:

    receipts log: ${p.vkeys.receipts}
    audit log:    ${p.vkeys.audit}

## 1. With the appliance CLI (everything at once, offline)

    aila verify-bundle ${file} \\
      --receipts-vkey '${p.vkeys.receipts}' \\
      --audit-vkey '${p.vkeys.audit}' \\
      --jwks jwks-you-trust.json \\
      --since-checkpoint receipts-checkpoint-from-last-audit

It checks, and reports each separately: the gzip and tar structure (a truncated file fails); that
manifest.sig is signed by the receipts log key over this manifest.json; that every file has the SHA-256
and size the manifest lists; each log's checkpoint signature; every entry's inclusion proof against it,
in ascending log order; the consistency proof from checkpoint.old (your earlier tree is a prefix of this
one: nothing was rewritten or removed in between); every receipt's Ed25519 signature against the key set
(\`--jwks\` pins yours; without it \`keys/jwks.json\`); that every entry matches the export's query; and
retained content against its receipts' hashes. Exit status 0 means valid. Keep ${sinceLogs} for the
next audit.

## 2. Independently, without the appliance's code

    tar xzf ${file} && cd aila-export-${p.exportId}

### 2.1 Files and inclusion proofs: Python (standard library only)

Proves that every file is the one the manifest lists, and that every entry is in the log tree whose root
the checkpoint states (RFC 9162 inclusion proofs). It does not check signatures: step 2.2 does.

\`\`\`python
${PYTHON_RECIPE}\`\`\`

### 2.2 Signatures: OpenSSL 3

Proves that the manifest (hence every file through its SHA-256) and each checkpoint are signed by the
log key you pinned.

\`\`\`sh
${OPENSSL_RECIPE}
verify_note manifest.sig '${p.vkeys.receipts}'
test "$(sed -n 3p manifest.sig)" = "$(openssl dgst -sha256 -binary manifest.json | base64)" && echo "manifest.sig covers manifest.json"
${p.logs.map((l) => `verify_note ${l}/checkpoint '${p.vkeys[l as 'receipts' | 'audit']}'`).join('\n')}
sha256sum -c <<EOF
$(python3 -c 'import json; [print(f["sha256"] + "  " + f["path"]) for f in json.load(open("manifest.json"))["files"]]')
EOF
\`\`\`

### 2.3 Everything: Go with golang.org/x/mod/sumdb/note and sumdb/tlog

Proves all of the above (signatures with \`note.Open\`, inclusion with \`tlog.CheckRecord\`, consistency
with \`tlog.CheckTree\`) and every receipt's Ed25519 signature (the leaf is the receipt's RFC 8785 form;
without its \`"sig"\` member it is exactly the signed bytes).

    mkdir verify && cd verify && go mod init example.com/verify && go get golang.org/x/mod@v0.7.0
    # save the program below as main.go, then:
    go run . -dir ../aila-export-${p.exportId} -receipts-vkey '${p.vkeys.receipts}' -audit-vkey '${p.vkeys.audit}'

\`\`\`go
${GO_VERIFIER}\`\`\`

## What this proves, and what it does not

It proves that every entry in this bundle is in the appliance's append-only logs exactly as shown, that
the logs were not rewritten since the checkpoint you kept, and who signed it. It does not prove that the
selection is complete: the appliance chose which entries match the query (each one is checked to match
it), and only the entries, not the whole log, are in the bundle. The receipts hold hashes; content is
here only if it was retained and the exporter was allowed to read it.
`;
}
