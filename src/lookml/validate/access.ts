/**
 * Personal data behind the access grant: the model defines the grant on the contract's user attribute, and every
 * field showing a PII column of the contract (or a rejected row whole) requires it, unless it masks the value.
 */
import { LOOKER_MODEL, PII_ACCESS_GRANT, PII_USER_ATTRIBUTE } from '../../contract/looker';
import { outputTables, REJECTS_TABLE } from '../../contract/tables';
import { strings } from '../projectIndex';
import { KEPT_TABLE_PATH } from '../quality';
import { collect, fieldsOf, type Check } from './resolve';

/** What masks personal data well enough to show it without the grant. */
const MASKS = [/\bMD5\s*\(/i, /\.\*\*\*\.\*\*\*\./];

export const personalData: Check = (index) => {
  const [issues, issue] = collect();
  const grants = new Map(index.models.flatMap((m) => m.accessGrants.map((g) => [g.name, g])));
  const file = index.models[0]?.file ?? `lookml/${LOOKER_MODEL}.model.lkml`;
  const grant = grants.get(PII_ACCESS_GRANT);
  if (!grant) issue(file, `no model defines access_grant ${PII_ACCESS_GRANT}`);
  else if (grant.userAttribute !== PII_USER_ATTRIBUTE) issue(file, `access_grant ${PII_ACCESS_GRANT} must use user attribute ${PII_USER_ATTRIBUTE}`);
  // rejected_rows.row_data holds anonymous ids in clear (the rest hashed): whole, it is personal data too; its
  // kept copy's table (one JSON path) is not.
  const guarded: { name: string; pii: string[]; masks: RegExp[] }[] = [
    ...outputTables().map((t) => ({ name: t.name as string, pii: t.columns.filter((c) => c.pii).map((c) => c.name), masks: MASKS })),
    { name: REJECTS_TABLE, pii: ['row_data'], masks: [...MASKS, new RegExp(`'${KEPT_TABLE_PATH.replace(/[$.]/g, '\\$&')}'`)] },
  ];
  for (const table of guarded) {
    const v = index.views.get(table.name);
    if (!v || !table.pii.length) continue;
    for (const f of fieldsOf(v)) {
      const sql = f.sql.join('\n');
      const shown = table.pii.filter((c) => new RegExp(`\\$\\{TABLE\\}\\.${c}\\b|\\$\\{${c}\\}`).test(sql) || f.name === c);
      if (!shown.length) continue;
      const granted = strings(f.node.required_access_grants);
      for (const g of granted) if (!grants.has(g)) issue(f.file, `view ${v.name}, ${f.kind} ${f.name}: access grant ${g} is not defined`);
      const masked = table.masks.some((m) => m.test(sql)) && f.name !== shown[0];
      if (!granted.includes(PII_ACCESS_GRANT) && !masked) {
        issue(f.file, `view ${v.name}, ${f.kind} ${f.name} shows personal data (${shown.join(', ')}) without required_access_grants: [${PII_ACCESS_GRANT}]`);
      }
    }
  }
  return issues;
};
