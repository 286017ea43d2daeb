/**
 * A fake Looker at the SDK boundary: an ExtensionContext40 whose core40SDK records every run_inline_query and
 * answers with json_detail-shaped responses from a test-supplied handler, and whose extensionSDK records navigation.
 */
import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter, Route } from 'react-router-dom';
import type { Location } from 'history';
import { ExtensionContext40, type ExtensionContextData40 } from '@looker/extension-sdk-react';
import type { InlineQuery } from '../../../src/extension/looker/queries';

export type PlainRow = Record<string, string | number | boolean | null>;

/**
 * What the handler answers: rows (only requested, visible fields are kept; warnings go to json_detail.errors as
 * Looker reports dropped fields), an SDK error ({ok: false}), a rejected call, or no answer at all.
 */
export type FakeAnswer =
  | { rows: PlainRow[]; hiddenFields?: string[]; warnings?: string[] }
  | { sdkError: { message: string } }
  | { reject: Error }
  | { pending: true };

export interface SentRequest {
  result_format: string;
  body: InlineQuery;
}

export function fakeLooker(handler: (q: InlineQuery) => FakeAnswer) {
  const sent: SentRequest[] = [];
  const coreSDK = {
    run_inline_query(request: SentRequest) {
      sent.push(request);
      const answer = handler(request.body);
      if ('pending' in answer) return new Promise(() => {});
      if ('reject' in answer) return Promise.reject(answer.reject);
      if ('sdkError' in answer) return Promise.resolve({ ok: false, error: answer.sdkError });
      const visible = request.body.fields.filter((f) => !(answer.hiddenFields ?? []).includes(f));
      const data = answer.rows.map((r) => Object.fromEntries(visible.filter((f) => f in r).map((f) => [f, { value: r[f] }])));
      const isMeasure = (f: string) => /\.(count|conversions|identified_count|inferred_count)$/.test(f);
      return Promise.resolve({
        ok: true,
        value: {
          data,
          ...(answer.warnings ? { errors: answer.warnings.map((message) => ({ level: 'warn', message })) } : {}),
          fields: {
            dimensions: visible.filter((f) => !isMeasure(f)).map((name) => ({ name })),
            measures: visible.filter(isMeasure).map((name) => ({ name })),
          },
        },
      });
    },
  };
  const extensionSDK = { updateLocation: jest.fn(), openBrowserWindow: jest.fn() };
  const context = { coreSDK, extensionSDK, route: '' } as unknown as ExtensionContextData40;
  return { context, sent, extensionSDK, queries: () => sent.map((s) => s.body) };
}

/** Renders `ui` inside the fake context and a router at `route`; `location()` reads the current route. */
export function renderWithLooker(ui: ReactElement, looker: ReturnType<typeof fakeLooker>, route = '/') {
  let current: Location | undefined;
  const utils = render(
    <ExtensionContext40.Provider value={looker.context}>
      <MemoryRouter initialEntries={[route]}>
        {ui}
        <Route
          render={({ location }) => {
            current = location;
            return null;
          }}
        />
      </MemoryRouter>
    </ExtensionContext40.Provider>,
  );
  return { ...utils, location: () => current! };
}
