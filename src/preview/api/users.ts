/** The two preview users the host page switches between: with and without the PII user attribute. */
import { PII_USER_ATTRIBUTE } from '../../contract/looker';
import type { PreviewUser } from './core';

export type PreviewUserKey = 'pii' | 'no_pii';

export const PREVIEW_USERS: Record<PreviewUserKey, PreviewUser> = {
  pii: { id: '1', firstName: 'Preview', lastName: 'Analyst', email: 'analyst@preview.local', attributes: { [PII_USER_ATTRIBUTE]: 'yes' } },
  no_pii: { id: '2', firstName: 'Preview', lastName: 'Viewer', email: 'viewer@preview.local', attributes: { [PII_USER_ATTRIBUTE]: 'no' } },
};

export function previewUser(key: unknown): PreviewUser {
  return key === 'pii' ? PREVIEW_USERS.pii : PREVIEW_USERS.no_pii;
}
