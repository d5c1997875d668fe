/**
 * A second line of defence for rendered answers: parses the HTML into an inert template and keeps
 * only allowlisted elements and attributes. Nothing is fetched or run while parsing a template.
 */

const ALLOWED: Record<string, readonly string[]> = {
  a: ['href', 'title', 'rel', 'target'],
  p: [],
  br: [],
  hr: [],
  strong: [],
  em: [],
  del: [],
  code: ['class'],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  input: ['type', 'checked', 'disabled'],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['align'],
  td: ['align'],
  span: ['class'],
  div: ['class'],
  button: ['type', 'class'],
};

const SAFE_CLASS = /^(hljs[\w-]*|language-[\w+#.-]+|code-[a-z-]+|md-image)$/;

function clean(node: ParentNode): void {
  for (const child of [...node.children]) {
    const tag = child.tagName.toLowerCase();
    const attributes = ALLOWED[tag];
    if (!attributes) {
      // Unknown elements become their text: nothing of the answer is lost, nothing of it runs.
      child.replaceWith(document.createTextNode(child.textContent ?? ''));
      continue;
    }
    for (const attr of [...child.attributes]) {
      const name = attr.name.toLowerCase();
      let keep = attributes.includes(name);
      if (keep && name === 'class')
        keep = attr.value.split(/\s+/).every((c) => c === '' || SAFE_CLASS.test(c));
      if (keep && name === 'href') keep = /^(https?:|mailto:)/i.test(attr.value);
      if (keep && name === 'type' && tag === 'input') keep = attr.value === 'checkbox';
      if (!keep) child.removeAttribute(attr.name);
    }
    clean(child);
  }
}

/** Returns the HTML with everything outside the allowlist removed. */
export function sanitizeHtml(html: string): string {
  // A template's content belongs to an inert document: no image loads, no script runs.
  const template = document.createElement('template');
  template.innerHTML = html;
  clean(template.content);
  return template.innerHTML;
}
