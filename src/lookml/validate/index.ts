/**
 * A semantic validator for a LookML project, run on the files' text (what Looker will read), not on the
 * generator's objects. The project is indexed once (../projectIndex.ts); each check below is a pure function of
 * that index for one concern Looker's own validator would reject or a reviewer would catch.
 */
import { indexProject, type SourceFile } from '../projectIndex';
import { personalData } from './access';
import { contract } from './contract';
import { dashboards } from './dashboards';
import { definitions } from './definitions';
import { entitlements } from './entitlements';
import { explores } from './explores';
import { includes, syntax } from './includes';
import { manifest } from './manifest';
import { models } from './models';
import { primaryKeys } from './primaryKeys';
import { viewReferences } from './references';
import type { Check, ValidateOptions, ValidationIssue } from './resolve';
import { suggestions } from './suggestions';
import { types } from './types';

export type { SourceFile } from '../projectIndex';
export type { Check, ValidateOptions, ValidationIssue } from './resolve';

/** Every check, in the order its issues are listed. */
export const CHECKS: Readonly<Record<string, Check>> = {
  syntax,
  manifest,
  entitlements,
  definitions,
  primaryKeys,
  types,
  viewReferences,
  includes,
  models,
  explores,
  suggestions,
  dashboards,
  personalData,
  contract,
};

export function validateProject(files: SourceFile[], options: ValidateOptions = {}): ValidationIssue[] {
  const index = indexProject(files);
  return Object.values(CHECKS).flatMap((check) => check(index, options));
}
