/** Field paths for messages and diffs, e.g. `listings.en-us.baseListing.images[2]`. */

/** Keys made of letters, digits, `-` and `_` read naturally after a dot; anything else is quoted. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

export function childPath(parent: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
