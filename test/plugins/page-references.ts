/** The URLs a page's HTML loads or links to: every `src` and `href` attribute. */
export function pageReferences(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map(
    (match) => match[1] ?? '',
  );
}

/** References that leave the page's own server: absolute or protocol-relative URLs to a host. */
export function externalReferences(html: string): string[] {
  const absolute = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;
  const inText = [...html.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*/gi)].map(
    (match) => match[0],
  );
  return [...pageReferences(html).filter((url) => absolute.test(url)), ...inText];
}
