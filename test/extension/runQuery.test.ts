import type { ILooker40SDK } from '@looker/sdk';
import { QueryError, classifyFailure, parseQueryResponse, runInlineQuery } from '../../src/extension/looker/runQuery';
import type { InlineQuery } from '../../src/extension/looker/queries';

const query: InlineQuery = { model: 'm', view: 'v', fields: ['v.a', 'v.count'], limit: '2' };
const sdkAnswering = (answer: Promise<unknown>) => ({ run_inline_query: jest.fn(() => answer) }) as unknown as ILooker40SDK;

describe('runInlineQuery', () => {
  it('asks for json_detail and flattens the cells', async () => {
    const sdk = sdkAnswering(
      Promise.resolve({
        ok: true,
        value: {
          data: [{ 'v.a': { value: 'x', rendered: 'X' }, 'v.count': { value: 3 } }],
          fields: { dimensions: [{ name: 'v.a' }], measures: [{ name: 'v.count' }] },
        },
      }),
    );
    const r = await runInlineQuery(sdk, query);
    expect((sdk.run_inline_query as jest.Mock).mock.calls[0][0]).toEqual({
      result_format: 'json_detail',
      body: query,
      apply_formatting: false,
    });
    expect(r.rows).toEqual([{ 'v.a': 'x', 'v.count': 3 }]);
    expect([...r.returnedFields]).toEqual(['v.a', 'v.count']);
    expect(r.limitReached).toBe(false);
  });

  it('says when the server-side limit was reached; accepts a JSON string body', () => {
    const r = parseQueryResponse(JSON.stringify({ data: [{ 'v.a': { value: 1 } }, { 'v.a': { value: 2 } }], fields: {} }), query);
    expect(r.limitReached).toBe(true);
  });

  it('reports fields Looker dropped: named in a json_detail warning (filters too) or absent from the metadata', () => {
    const q: InlineQuery = {
      model: 'm',
      view: 'persons',
      fields: ['persons.person_id', 'persons.name', 'persons.name_first'],
      filters: { 'persons.email': '%a%' },
    };
    const r = parseQueryResponse(
      {
        data: [],
        fields: { dimensions: [{ name: 'persons.person_id' }, { name: 'persons.name_first' }] },
        errors: [
          { level: 'warn', message: 'persons.email no longer exists on persons, or you do not have access to it, and it will be ignored' },
        ],
      },
      q,
    );
    expect([...r.droppedFields].sort()).toEqual(['persons.email', 'persons.name']);
  });

  it('turns a looker_error row into an error', () => {
    expect(() => parseQueryResponse([{ looker_error: 'Unknown or inaccessible field "v.a"' }], query)).toThrow(/inaccessible/);
  });

  it('classifies failures: entitlement, Looker permission, other', async () => {
    expect(classifyFailure('Extension not entitled to access run_inline_query')).toBe('entitlement');
    expect(classifyFailure('Not found')).toBe('permission');
    expect(classifyFailure('HTTP 403 Forbidden')).toBe('permission');
    expect(classifyFailure('Syntax error at line 3')).toBe('failed');
    expect(classifyFailure('BigQuery: table journeys not found in dataset')).toBe('failed');
    await expect(
      runInlineQuery(sdkAnswering(Promise.resolve({ ok: false, error: { message: 'Not found' } })), query),
    ).rejects.toMatchObject({
      kind: 'permission',
    });
    await expect(runInlineQuery(sdkAnswering(Promise.reject(new Error('not entitled: run_inline_query'))), query)).rejects.toMatchObject({
      kind: 'entitlement',
      method: 'run_inline_query',
    });
    await expect(
      runInlineQuery(sdkAnswering(Promise.reject(new Error('Error: Extension not entitled to use api method run_query'))), query),
    ).rejects.toMatchObject({ kind: 'entitlement', method: 'run_query' });
  });

  it('cancels at once on abort and ignores the late answer', async () => {
    let resolve!: (v: unknown) => void;
    const sdk = sdkAnswering(new Promise((r) => (resolve = r)));
    const controller = new AbortController();
    const running = runInlineQuery(sdk, query, controller.signal);
    controller.abort();
    await expect(running).rejects.toEqual(expect.any(QueryError));
    await expect(running).rejects.toMatchObject({ kind: 'cancelled' });
    resolve({ ok: true, value: { data: [] } });
  });
});
