/**
 * The two primitives evidence verification needs, from the browser's WebCrypto: SHA-256 and
 * Ed25519 signature verification (RFC 8032). WebCrypto needs a secure context (https or localhost).
 */

/** WebCrypto takes ArrayBuffer-backed views; copying also detaches the caller's buffer from ours. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

function subtle(): SubtleCrypto {
  if (!globalThis.crypto?.subtle) {
    throw new Error('WebCrypto is unavailable: open the appliance over https (or on localhost).');
  }
  return globalThis.crypto.subtle;
}

/** SHA-256 digest. */
export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** Verifies an Ed25519 signature over `data` with a raw 32-byte public key; false for malformed input. */
export async function ed25519Verify(
  publicKey: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) {
    return false;
  }
  try {
    const key = await subtle().importKey('raw', own(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await subtle().verify({ name: 'Ed25519' }, key, own(signature), own(data));
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotSupportedError') {
      throw new Error('This browser does not support Ed25519 in WebCrypto; use a current browser.');
    }
    return false;
  }
}
