/**
 * The elements Tab visits, in order, approximated for jsdom (which has no layout and no Tab key): focusable by
 * default or by a tabindex ≥ 0, not disabled, not hidden (hidden attribute, display:none, visibility:hidden), and
 * one radio per group (the checked one, else the first), as browsers do. Positive tabindex values are not ordered
 * first: the extension uses none.
 */
const FOCUSABLE =
  'a[href], area[href], button, input, select, textarea, iframe, summary, [contenteditable=""], [contenteditable="true"], [tabindex]';

function isHidden(el: Element): boolean {
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (e.hasAttribute('hidden')) return true;
    const style = getComputedStyle(e);
    if (style.display === 'none') return true;
    if (e === el && style.visibility === 'hidden') return true;
  }
  return false;
}

function isDisabled(el: Element): boolean {
  return (el as HTMLButtonElement).disabled === true || !!el.closest('fieldset[disabled]');
}

function tabIndexOf(el: Element): number {
  const raw = el.getAttribute('tabindex');
  if (raw !== null && /^-?\d+$/.test(raw.trim())) return Number(raw);
  return el.matches(FOCUSABLE.replace(', [tabindex]', '')) ? 0 : -1;
}

export function tabStops(root: ParentNode = document): Element[] {
  const seenRadioGroups = new Set<string>();
  const candidates = [...root.querySelectorAll(FOCUSABLE)].filter(
    (el) => !(el instanceof HTMLInputElement && el.type === 'hidden') && tabIndexOf(el) >= 0 && !isDisabled(el) && !isHidden(el),
  );
  return candidates.filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio' || !el.name) return true;
    const group = candidates.filter(
      (c): c is HTMLInputElement => c instanceof HTMLInputElement && c.type === 'radio' && c.name === el.name,
    );
    const stop = group.find((r) => r.checked) ?? group[0];
    if (seenRadioGroups.has(el.name) || stop !== el) return false;
    seenRadioGroups.add(el.name);
    return true;
  });
}
