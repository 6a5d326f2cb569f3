/**
 * The emulator's own XML reading, enough for package manifests and written apart from the action's
 * (fast-xml-parser): elements and their attributes only. Text, comments, processing instructions,
 * CDATA and a DOCTYPE are skipped; a document whose tags do not nest is refused.
 */

/** One element: its name without a namespace prefix, its attributes as written, its child elements. */
export interface XmlElement {
  /** `TargetDeviceFamily` for both `<TargetDeviceFamily>` and `<b4:TargetDeviceFamily>`. */
  localName: string;
  /** Attribute values, entities decoded, keyed by the name as written (`Name`, `xmlns:uap`). */
  attributes: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** Text of an XML file from its bytes: UTF-8 (with or without a BOM) or UTF-16 with a BOM. */
export function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

const NAME = /[^\s/>=]+/y;
const ATTRIBUTE = /\s*([^\s/>=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const TAG_END = /\s*(\/?)>/y;

/** The document's root element. Throws an Error saying where the text stops being XML. */
export function parseXml(text: string): XmlElement {
  const open: { element: XmlElement; qualified: string }[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const skipPast = (marker: string, what: string): void => {
    const end = text.indexOf(marker, at);
    if (end < 0) throw new Error(`${what} at ${at} is not closed`);
    at = end + marker.length;
  };
  while (true) {
    const lt = text.indexOf('<', at);
    if (lt < 0) break;
    at = lt;
    if (text.startsWith('<?', at)) skipPast('?>', 'a processing instruction');
    else if (text.startsWith('<!--', at)) skipPast('-->', 'a comment');
    else if (text.startsWith('<![CDATA[', at)) skipPast(']]>', 'a CDATA section');
    else if (text.startsWith('<!', at)) skipPast('>', 'a declaration');
    else if (text.startsWith('</', at)) {
      NAME.lastIndex = at + 2;
      const name = NAME.exec(text)?.[0];
      const top = open.pop();
      if (!name || !top || top.qualified !== name) {
        throw new Error(`</${name ?? ''}> at ${at} closes ${top ? `<${top.qualified}>` : 'nothing'}`);
      }
      at = NAME.lastIndex;
      skipPast('>', `</${name}>`);
    } else {
      NAME.lastIndex = at + 1;
      const qualified = NAME.exec(text)?.[0];
      if (!qualified) throw new Error(`a '<' at ${at} starts no element`);
      at = NAME.lastIndex;
      const element: XmlElement = { localName: localName(qualified), attributes: {}, children: [] };
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const attribute = ATTRIBUTE.exec(text);
        if (!attribute) break;
        element.attributes[attribute[1] ?? ''] = decodeEntities(attribute[2] ?? attribute[3] ?? '');
        at = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = at;
      const end = TAG_END.exec(text);
      if (!end) throw new Error(`<${qualified}> at ${lt} has a malformed attribute or no '>'`);
      at = TAG_END.lastIndex;
      const parent = open.at(-1);
      if (parent) parent.element.children.push(element);
      else if (root) throw new Error(`a second root element <${qualified}> at ${lt}`);
      else root = element;
      if (end[1] !== '/') open.push({ element, qualified });
    }
  }
  if (open.length > 0) throw new Error(`<${open.at(-1)?.qualified}> is never closed`);
  if (!root) throw new Error('there is no element');
  return root;
}

/** The child elements named `name` (local name). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.localName === name);
}
