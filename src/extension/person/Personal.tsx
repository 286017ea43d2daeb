/** A personal field (name, email): the value, "<what> unknown" when there is none, "<what> hidden" when the user may not see it. */
import { Span } from '@looker/components';
import { PII_ACCESS_GRANT } from '../../contract/looker';

export type PersonalField = 'name' | 'email';

/** The words shown for a personal field; they name the field when there is no value, so "hidden" is never read alone. */
export function personalText(value: string | null, hidden: boolean, what: PersonalField): string {
  if (hidden) return `${what} hidden`;
  return value ?? `${what} unknown`;
}

export function Personal({ value, hidden, what }: { value: string | null; hidden: boolean; what: PersonalField }) {
  if (hidden) {
    return (
      <Span color="text2" fontStyle="italic" data-testid="pii-hidden" title={`Needs the ${PII_ACCESS_GRANT} access grant`}>
        {personalText(value, hidden, what)}
      </Span>
    );
  }
  return value ? <Span>{value}</Span> : <Span color="text2">{personalText(value, hidden, what)}</Span>;
}
