/**
 * Typed access to fast-xml-parser's `preserveOrder` output, where every element is
 * `{ tag: children[], ':@': attributes }` and text is `{ '#text': value }`.
 */
export type XmlNode = Record<string, unknown>;

const ATTRIBUTES = ':@';
const TEXT = '#text';

export function isElement(node: XmlNode): boolean {
  return tagName(node) !== null;
}

export function tagName(node: XmlNode): string | null {
  return Object.keys(node).find((key) => key !== ATTRIBUTES && key !== TEXT) ?? null;
}

export function children(node: XmlNode): XmlNode[] {
  const tag = tagName(node);
  const value = tag === null ? undefined : node[tag];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

export function childElements(node: XmlNode): XmlNode[] {
  return children(node).filter(isElement);
}

export function firstChild(node: XmlNode, tag: string): XmlNode | undefined {
  return children(node).find((child) => tagName(child) === tag);
}

export function attributes(node: XmlNode): Partial<Record<string, string>> {
  const value = node[ATTRIBUTES];
  if (typeof value !== 'object' || value === null) return {};
  const result: Partial<Record<string, string>> = {};
  for (const [key, attribute] of Object.entries(value)) result[key] = String(attribute);
  return result;
}

/** Concatenated text of an element; `renderXref` decides what an inline `<xref>` reads as. */
export function textContent(node: XmlNode, renderXref: (xref: XmlNode) => string): string {
  let text = '';
  for (const child of children(node)) {
    if (TEXT in child) text += String(child[TEXT]);
    else if (tagName(child) === 'xref') text += renderXref(child);
    else text += textContent(child, renderXref);
  }
  return text;
}
