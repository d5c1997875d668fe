/**
 * The independent verifier that VERIFY.md and docs/compliance.md give auditors: a Go program using
 * only the standard library and golang.org/x/mod/sumdb/{note,tlog}, nothing of the appliance's code.
 */
export const GO_VERIFIER = `// Command verify-bundle checks an extracted AI-LA compliance export with Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog only:
// manifest.sig, every file's SHA-256, each log's checkpoint, every inclusion
// proof, the consistency proof, and every receipt's Ed25519 signature.
//
//	go run . -dir aila-export-<id> -receipts-vkey "$(cat receipts.vkey)" -audit-vkey "$(cat audit.vkey)"
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type manifest struct {
	ExportID string \`json:"export_id"\`
	Logs     map[string]struct {
		Origin string \`json:"origin"\`
		Size   int64  \`json:"size"\`
	} \`json:"logs"\`
	Counts map[string]int \`json:"counts"\`
	Files  []struct {
		Path   string \`json:"path"\`
		SHA256 string \`json:"sha256"\`
		Bytes  int64  \`json:"bytes"\`
	} \`json:"files"\`
}

var dir string

func read(name string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// checkpoint opens a signed checkpoint note and returns its tree.
func checkpoint(name string, v note.Verifier, origin string) tlog.Tree {
	n, err := note.Open(read(name), note.VerifierList(v))
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	lines := strings.Split(n.Text, "\\n")
	size, err1 := strconv.ParseInt(lines[1], 10, 64)
	root, err2 := tlog.ParseHash(lines[2])
	if lines[0] != origin || err1 != nil || err2 != nil {
		log.Fatalf("%s: not a checkpoint of %s", name, origin)
	}
	return tlog.Tree{N: size, Hash: root}
}

func hashes(lines []string) []tlog.Hash {
	var out []tlog.Hash
	for _, l := range lines {
		h, err := tlog.ParseHash(l)
		if err != nil {
			log.Fatalf("bad hash %q", l)
		}
		out = append(out, h)
	}
	return out
}

// entries checks every line of <log>/entries.jsonl against its block in <log>/proofs.
func entries(name string, tree tlog.Tree) int {
	ef, err1 := os.Open(filepath.Join(dir, name, "entries.jsonl"))
	pf, err2 := os.Open(filepath.Join(dir, name, "proofs"))
	if err1 != nil || err2 != nil {
		log.Fatalf("%s: %v %v", name, err1, err2)
	}
	defer ef.Close()
	defer pf.Close()
	lines, proofs := bufio.NewScanner(ef), bufio.NewScanner(pf)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	// next reads one proof block: "index N", hash lines, then an empty line or the end.
	next := func() (int64, []string, bool) {
		if !proofs.Scan() {
			return 0, nil, false
		}
		index, err := strconv.ParseInt(strings.TrimPrefix(proofs.Text(), "index "), 10, 64)
		if err != nil {
			log.Fatalf("%s/proofs: %v", name, err)
		}
		var hs []string
		for proofs.Scan() && proofs.Text() != "" {
			hs = append(hs, proofs.Text())
		}
		return index, hs, true
	}
	n := 0
	for ; lines.Scan(); n++ {
		leaf := lines.Bytes()
		index, hs, ok := next()
		if !ok {
			log.Fatalf("%s: no proof block for line %d", name, n+1)
		}
		if err := tlog.CheckRecord(hashes(hs), tree.N, tree.Hash, index, tlog.RecordHash(leaf)); err != nil {
			log.Fatalf("%s line %d (index %d): %v", name, n+1, index, err)
		}
		if name == "receipts" {
			receipt(leaf, n+1)
		}
	}
	if _, _, extra := next(); extra {
		log.Fatalf("%s: more proof blocks than entries", name)
	}
	return n
}

// receipt verifies a receipt's Ed25519 signature: the leaf is its RFC 8785 form, so
// the leaf without its "sig" member is exactly the signed bytes.
func receipt(leaf []byte, line int) {
	var r map[string]interface{}
	if err := json.Unmarshal(leaf, &r); err != nil {
		log.Fatalf("receipts line %d: %v", line, err)
	}
	sig, _ := r["sig"].(string)
	pubText, _ := r["pubkey"].(string)
	signed := bytes.Replace(leaf, []byte(\`,"sig":"\`+sig+\`"\`), nil, 1)
	pub, err1 := base64.RawURLEncoding.DecodeString(pubText)
	s, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, signed, s) {
		log.Fatalf("receipts line %d: signature does not verify", line)
	}
}

func main() {
	rk := flag.String("receipts-vkey", "", "receipts log verifier key (pin the one you trust)")
	ak := flag.String("audit-vkey", "", "audit log verifier key")
	flag.StringVar(&dir, "dir", ".", "the extracted bundle directory aila-export-<id>")
	flag.Parse()
	keys := map[string]note.Verifier{}
	for name, k := range map[string]string{"receipts": *rk, "audit": *ak} {
		v, err := note.NewVerifier(k)
		if err != nil {
			log.Fatalf("-%s-vkey: %v", name, err)
		}
		keys[name] = v
	}

	// 1. manifest.sig: signed by the receipts log key, over the SHA-256 of manifest.json.
	raw := read("manifest.json")
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		log.Fatal(err)
	}
	sig, err := note.Open(read("manifest.sig"), note.VerifierList(keys["receipts"]))
	sum := sha256.Sum256(raw)
	want := "ai-la/compliance-export/v1\\n" + m.ExportID + "\\n" + base64.StdEncoding.EncodeToString(sum[:]) + "\\n"
	if err != nil || sig.Text != want {
		log.Fatalf("manifest.sig: does not sign this manifest.json (%v)", err)
	}
	fmt.Println("manifest.sig: ok")

	// 2. Every file has the SHA-256 and size the signed manifest lists.
	for _, f := range m.Files {
		b := read(f.Path)
		s := sha256.Sum256(b)
		if hex.EncodeToString(s[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
			log.Fatalf("%s: does not match the manifest", f.Path)
		}
	}
	fmt.Printf("files: %d match the manifest\\n", len(m.Files))

	// 3. Each log: checkpoint signature, every inclusion proof, consistency from checkpoint.old.
	for _, name := range []string{"receipts", "audit"} {
		l, ok := m.Logs[name]
		if !ok {
			continue
		}
		tree := checkpoint(name+"/checkpoint", keys[name], l.Origin)
		n := entries(name, tree)
		if n != m.Counts[name] {
			log.Fatalf("%s: %d entries, the manifest counts %d", name, n, m.Counts[name])
		}
		fmt.Printf("%s: checkpoint size %d ok, %d inclusion proofs ok\\n", name, tree.N, n)
		if _, err := os.Stat(filepath.Join(dir, name, "checkpoint.old")); err == nil {
			old := checkpoint(name+"/checkpoint.old", keys[name], l.Origin)
			lines := strings.Split(strings.TrimSuffix(string(read(name+"/consistency")), "\\n"), "\\n")
			if lines[0] != "old "+strconv.FormatInt(old.N, 10) {
				log.Fatalf("%s/consistency: not from size %d", name, old.N)
			}
			if err := tlog.CheckTree(hashes(lines[1:]), tree.N, tree.Hash, old.N, old.Hash); err != nil {
				log.Fatalf("%s/consistency: %v", name, err)
			}
			fmt.Printf("%s: size %d is a prefix of size %d\\n", name, old.N, tree.N)
		}
	}
	fmt.Println("VALID")
}
`;
