/**
 * The custom range picker (@looker/components' FieldDateRange, with its calendar) that also reads ISO dates.
 * The component parses only its own format (MM/DD/YYYY in English) and calls a date it cannot read a validation
 * failure, leaving the range as it was, so "2026-01-01" read as a missing date. A capture-phase listener reads
 * each input on blur and Enter first (parseDateInput): an ISO date sets that end of the range, and text that is
 * no date gets a message saying which forms work.
 */
import { useState } from 'react';
import { FieldDateRange } from '@looker/components';
import { parseDateInput } from './dateInput';

export interface DateRangeFieldProps {
  id: string;
  label: string;
  from: string;
  to: string;
  /** Why the range cannot be queried yet (customRangeProblem), or null. */
  problem: string | null;
  onChange: (range: { dateFrom: string; dateTo: string }) => void;
}

const toIsoDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const fromIsoDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return iso ? new Date(y, m - 1, d) : undefined;
};

export function DateRangeField({ id, label, from, to, problem, onChange }: DateRangeFieldProps) {
  const [typed, setTyped] = useState<{ end: 'from' | 'to'; error: string } | null>(null);
  const read = (e: React.SyntheticEvent<HTMLDivElement>) => {
    const input = e.target as HTMLElement;
    if (!(input instanceof HTMLInputElement)) return;
    const end = [...e.currentTarget.querySelectorAll('input')].indexOf(input) === 0 ? 'from' : 'to';
    const parsed = parseDateInput(input.value);
    if (parsed === null) return setTyped(null);
    if ('error' in parsed) return setTyped({ end, error: parsed.error });
    setTyped(null);
    const current = end === 'from' ? from : to;
    if (parsed.iso !== current) onChange({ dateFrom: end === 'from' ? parsed.iso : from, dateTo: end === 'to' ? parsed.iso : to });
  };
  const message = typed ? `${typed.end === 'from' ? 'Start' : 'End'} date: ${typed.error}` : problem;
  return (
    <div onBlurCapture={read} onKeyDownCapture={(e) => e.key === 'Enter' && read(e)} data-testid="date-range-input">
      <FieldDateRange
        id={id}
        label={label}
        validationMessage={message ? { type: 'error', message } : undefined}
        value={{ from: fromIsoDate(from), to: fromIsoDate(to) }}
        onChange={(r: { from?: Date; to?: Date }) => {
          setTyped(null);
          onChange({ dateFrom: r.from ? toIsoDate(r.from) : '', dateTo: r.to ? toIsoDate(r.to) : '' });
        }}
      />
    </div>
  );
}
