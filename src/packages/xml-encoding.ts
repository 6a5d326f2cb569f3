/**
 * The text of a manifest's bytes, with its encoding found as an XML processor finds it (XML 1.0,
 * appendix F): a byte order mark, else the pattern of the first bytes (`<` in UTF-16 or UTF-32),
 * else the encoding declaration, else UTF-8. Only UTF-8 and UTF-16 are read, the two encodings
 * every XML processor must read and the ones Windows' packaging tools write
 * (docs/store-api.md#package-identity); any other is refused by name, never guessed.
 */

type Encoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE';

const ENCODING_DECLARATION = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/;

/**
 * Decodes a manifest (bytes as stored in the package). `what` names it in messages.
 * Throws Error naming `what` and the encoding when it is UTF-32 or EBCDIC, declares an encoding
 * other than UTF-8 or UTF-16, declares one its bytes are not in, or is not valid UTF-8.
 */
export function decodeXml(bytes: Buffer, what: string): string {
  const { encoding, start } = detect(bytes, what);
  const body = bytes.subarray(start);
  // The declaration is ASCII: read it before the rest is decoded, so an encoding it names is what a refusal says.
  const head =
    encoding === 'UTF-8' ? body.subarray(0, 512).toString('latin1') : utf16(body.subarray(0, 1024), encoding);
  const declared = ENCODING_DECLARATION.exec(head)?.[2];
  checkDeclared(declared, encoding, what);
  return encoding === 'UTF-8' ? utf8(body, what) : utf16(body, encoding);
}

/** Refuses a declared encoding other than UTF-8 and UTF-16, or one the bytes are not in. */
function checkDeclared(declared: string | undefined, encoding: Encoding, what: string): void {
  if (declared === undefined) return;
  const name = declared.toLowerCase();
  if (name !== 'utf-8' && !name.startsWith('utf-16')) {
    throw new Error(
      `${what} declares the encoding '${declared}'; Windows reads package manifests in UTF-8 or UTF-16 only. ` +
        'Save the manifest as UTF-8 (with encoding="utf-8"), as Visual Studio and MakeAppx write it, and build the package again',
    );
  }
  const matches = encoding === 'UTF-8' ? name === 'utf-8' : name === 'utf-16' || name === encoding.toLowerCase();
  if (!matches) {
    throw new Error(
      `${what} is in ${encoding} but declares the encoding '${declared}'. Save it as UTF-8 with encoding="utf-8" and build the package again`,
    );
  }
}

/** The encoding from the byte order mark or the first bytes, and where the text starts. */
function detect(bytes: Buffer, what: string): { encoding: Encoding; start: number } {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  const refuse = (encoding: string): never => {
    throw new Error(
      `${what} is in ${encoding}; Windows reads package manifests in UTF-8 or UTF-16 only. Save it as UTF-8 and build the package again`,
    );
  };
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'UTF-8', start: 3 };
  if ((b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c))
    return refuse('UTF-32 (big-endian)');
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0))
    return refuse('UTF-32 (little-endian)');
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'UTF-16LE', start: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'UTF-16BE', start: 2 };
  // No byte order mark: a manifest starts with '<' (of '<?xml' or its root), one byte of it zero in UTF-16.
  if (b0 === 0x3c && b1 === 0) return { encoding: 'UTF-16LE', start: 0 };
  if (b0 === 0 && b1 === 0x3c) return { encoding: 'UTF-16BE', start: 0 };
  if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94) return refuse('EBCDIC');
  return { encoding: 'UTF-8', start: 0 };
}

function utf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // The valid prefix encodes back to the same bytes: the first difference is the first bad byte.
    const again = Buffer.from(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
    let at = 0;
    while (at < bytes.length && bytes[at] === again[at]) at++;
    throw new Error(
      `${what} is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}); ` +
        'Windows reads a manifest without a byte order mark or an encoding declaration as UTF-8. Save it as UTF-8 and build the package again',
    );
  }
}

function utf16(bytes: Buffer, encoding: 'UTF-16LE' | 'UTF-16BE'): string {
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return (encoding === 'UTF-16LE' ? even : Buffer.from(even).swap16()).toString('utf16le');
}
