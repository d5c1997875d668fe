import { DOMParser } from '@xmldom/xmldom';

/** XML namespaces of SAML 2.0 (core §1.2, metadata §1.2) and XML Signature. */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** SAML 2.0 bindings §3.4 and §3.5. */
export const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

/** Thrown for input that is not a well-formed XML document this module accepts. */
export class XmlError extends Error {
  override readonly name = 'XmlError';
}

/**
 * Parses an XML document strictly: any parser warning or error fails, and a document type declaration
 * is refused outright, since SAML messages and metadata never need one (SAML 2.0 security
 * considerations §6.3: no entity expansion, no external entities).
 */
export function parseXml(xml: string): Document {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlError('a document type declaration is not allowed');
  const fail = (msg: unknown) => {
    throw new XmlError(String(msg));
  };
  const doc = new DOMParser({
    errorHandler: { warning: fail, error: fail, fatalError: fail },
  }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new XmlError('not an XML document');
  return doc;
}

/** The element children of `parent` with this namespace and local name. */
export function children(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) {
      const element = node as Element;
      if (element.namespaceURI === ns && element.localName === localName) found.push(element);
    }
  }
  return found;
}

/** The first element child with this namespace and local name. */
export const child = (parent: Element, ns: string, localName: string): Element | undefined =>
  children(parent, ns, localName)[0];

/** Every descendant element with this namespace and local name, in document order. */
export function descendants(root: Element | Document, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName));
}

/** The trimmed text content of an element. */
export const textOf = (element: Element | undefined): string => (element?.textContent ?? '').trim();

/** Escapes a value for an XML attribute or text (XML 1.0 §2.4). */
export const escapeXml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
