/**
 * The extension's application: one, serving bundle.js, its core_api_methods exactly the contract's, and its
 * entitlements covering the calls the extension's sources make, and no more (least privilege).
 */
import { EXTENSION_CORE_API_METHODS } from '../../contract/looker';
import { isNode, str, strings } from '../projectIndex';
import { EXTENSION_ENTITLEMENTS } from '../vocabulary';
import { collect, type Check } from './resolve';

export const entitlements: Check = (index, options) => {
  const [issues, issue] = collect();
  const m = index.manifest;
  // A project importing the block declares no extension of its own; the block's manifest does.
  if (!m || (m.dependencies.length && !m.applications.length)) return issues;
  const sources = options.extensionSources ?? [];
  if (m.applications.length !== 1) return [{ file: 'manifest.lkml', message: `expected one application, found ${m.applications.length}` }];
  const [{ name, node: app }] = m.applications;
  if (str(app.file) !== 'bundle.js') issue('manifest.lkml', `application ${name}: file must be "bundle.js"`);
  const ent = isNode(app.entitlements) ? app.entitlements : {};
  const methods = new Set(strings(ent.core_api_methods));
  const expected = new Set<string>(EXTENSION_CORE_API_METHODS);
  const extra = [...methods].filter((x) => !expected.has(x));
  const missing = [...expected].filter((x) => !methods.has(x));
  if (extra.length || missing.length) {
    issue('manifest.lkml', `core_api_methods must be exactly ${[...expected].join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not used: ${extra.join(', ')}` : ''}`);
  }
  const used = new Set<string>();
  for (const src of sources) {
    for (const call of src.content.matchAll(/\b(?:core40SDK|coreSDK|sdk)\s*\.\s*([a-z][a-z0-9_]*)\s*\(/g)) {
      if (!methods.has(call[1])) issue('manifest.lkml', `${src.path} calls core API method ${call[1]}, which the entitlements do not list`);
    }
    for (const call of src.content.matchAll(/\bextensionSDK\s*\.\s*(\w+)\s*\(/g)) {
      const needed = EXTENSION_ENTITLEMENTS[call[1]];
      if (needed) used.add(needed);
      if (needed && ent[needed] !== true) issue('manifest.lkml', `${src.path} calls extensionSDK.${call[1]}, which needs entitlement ${needed}: yes`);
    }
  }
  // An entitlement granted but never needed is a permission an extension should not hold (known only when the
  // extension's sources are given).
  for (const granted of sources.length ? new Set(Object.values(EXTENSION_ENTITLEMENTS)) : []) {
    if (ent[granted] === true && !used.has(granted)) issue('manifest.lkml', `entitlement ${granted}: yes is not used by the extension; set it to no`);
  }
  return issues;
};
