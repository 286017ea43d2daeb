/**
 * What someone types into a custom range's date: ISO (2026-01-01, as the URL and Looker write dates) or the picker's
 * MM/DD/YYYY (01/01/2026, one-digit month and day too). Pure.
 */
import { isIsoDate } from '../looker/filterExpressions';

export type DateInput = { iso: string } | { error: string };

const pad = (n: string) => n.padStart(2, '0');

/** The day typed, as YYYY-MM-DD; null for nothing typed; an error naming both accepted forms otherwise. */
export function parseDateInput(text: string): DateInput | null {
  const t = text.trim();
  if (t === '') return null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const candidate = iso ? `${iso[1]}-${pad(iso[2])}-${pad(iso[3])}` : us ? `${us[3]}-${pad(us[1])}-${pad(us[2])}` : null;
  if (candidate === null) return { error: `"${t}" is not a date: type it as YYYY-MM-DD (2026-01-01) or MM/DD/YYYY (01/01/2026).` };
  if (!isIsoDate(candidate)) return { error: `"${t}" is no calendar day.` };
  return { iso: candidate };
}
