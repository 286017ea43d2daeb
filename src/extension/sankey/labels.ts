/**
 * Page titles usually end with the site's name ("Pricing — Example Analytics"): in a narrow column that suffix takes
 * the room the page's own words need. Pure.
 */

/** Separators a site suffix follows. */
const SEPARATORS = [' — ', ' – ', ' | ', ' - ', ' · '];

/** The suffix after a label's last separator (separator included), or null. */
function suffixOf(label: string): string | null {
  const at = Math.max(...SEPARATORS.map((s) => label.lastIndexOf(s)));
  // Nothing before the separator: the label is no page name plus a suffix.
  return at > 0 ? label.slice(at) : null;
}

/**
 * The suffix most labels share (at least two, and at least a third of the labels), or null: the common site name,
 * not a word two pages happen to end with.
 */
export function commonSuffix(labels: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const l of new Set(labels)) {
    const s = suffixOf(l);
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const [suffix, n] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [null, 0];
  return suffix && n >= 2 && n * 3 >= new Set(labels).size ? suffix : null;
}

/** The label as drawn: without the common suffix (the tooltip keeps the full label). */
export function shortLabel(label: string, suffix: string | null): string {
  return suffix && label.endsWith(suffix) && label.length > suffix.length ? label.slice(0, -suffix.length) : label;
}
