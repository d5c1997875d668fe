import { generateKeyPairSync, hash, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';

/** A private signing key in JWK form, as oidc-provider's `jwks` configuration expects it. */
export interface SigningJwk extends NodeJsonWebKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  use: 'sig';
}

/**
 * RFC 7638 §3 JWK thumbprint: SHA-256 over the required members in lexicographic order.
 * Used as `kid` so the identifier is derived from the key instead of invented.
 */
export function jwkThumbprint(jwk: NodeJsonWebKey): string {
  const required =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : undefined;
  if (required === undefined) {
    throw new Error(`unsupported JWK key type ${String(jwk.kty)}`);
  }
  return hash('sha256', JSON.stringify(required), 'base64url');
}

function toSigningJwk(jwk: NodeJsonWebKey, alg: SigningJwk['alg']): SigningJwk {
  return { ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' };
}

/**
 * Generates the IdP's signing keys for one run: an RS256 key (the default `id_token_signed_response_alg`
 * of OIDC Core / Registration §2, which every relying party supports) and an ES256 key for clients that
 * ask for it. Nothing is persisted: tokens of an earlier run become unverifiable, which is what a
 * development IdP should do.
 */
export function generateSigningKeys(): { keys: SigningJwk[] } {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    keys: [
      toSigningJwk(rsa.privateKey.export({ format: 'jwk' }), 'RS256'),
      toSigningJwk(ec.privateKey.export({ format: 'jwk' }), 'ES256'),
    ],
  };
}
