import { named, pairs } from '../../src/lookml/document';
import { serialize } from '../../src/lookml/serialize';
import { parseLookml as parse } from '../../src/lookml/parser';

describe('serialize', () => {
  const doc = {
    include: ['/views/*.view.lkml', '/refinements/*.lkml'],
    view: [
      named('orders', {
        sql_table_name: '@{DATASET}.orders',
        dimension: [
          named('id', { primary_key: true, type: 'number', label: 'Order "ID"', description: 'back\\slash', sql: '${TABLE}.id' }),
          named('status', { type: 'string', suggestions: ['open', 'closed'], sql: 'CASE\n  WHEN x THEN 1\nEND' }),
        ],
        measure: [named('count', { type: 'count', filters: pairs([['status', 'open,closed']]), drill_fields: ['id'] })],
      }),
    ],
  };

  it('follows the lkml conventions: indent, blank lines around blocks, ;; after SQL, quoted labels', () => {
    const text = serialize(doc, ['generated']);
    expect(text).toContain('# generated\n\ninclude: "/views/*.view.lkml"\ninclude: "/refinements/*.lkml"\n\nview: orders {\n  sql_table_name: @{DATASET}.orders ;;\n\n  dimension: id {\n    primary_key: yes\n');
    expect(text).toContain('    label: "Order \\"ID\\""\n    description: "back\\\\slash"\n    sql: ${TABLE}.id ;;\n  }\n\n  dimension: status {');
    // Multi-line SQL starts on its own line, one level deeper.
    expect(text).toContain('    sql:\n      CASE\n        WHEN x THEN 1\n      END ;;');
    expect(text).toContain('filters: [status: "open,closed"]');
  });

  it('round-trips through lookml-parser', () => {
    const parsed = parse(serialize(doc));
    const view = parsed.view.orders;
    expect(parsed.include).toEqual(doc.include);
    expect(view.sql_table_name.trim()).toBe('@{DATASET}.orders');
    expect(view.dimension.id.label).toBe('Order "ID"');
    expect(view.dimension.id.description).toBe('back\\slash');
    expect(view.dimension.id.primary_key).toBe(true);
    expect(view.dimension.status.suggestions).toEqual(['open', 'closed']);
    expect(view.measure.count.filters.status).toBe('open,closed');
  });

  it('puts long lists one item per line', () => {
    const fields = Array.from({ length: 12 }, (_, i) => `a_rather_long_field_name_${i}`);
    const text = serialize({ set: [named('s', { fields })] });
    expect(text).toContain('  fields: [\n    a_rather_long_field_name_0,\n    a_rather_long_field_name_1,');
    expect(parse(text).set.s.fields).toEqual(fields);
  });

  it('writes an empty block (refinement stubs) that parses', () => {
    const text = serialize({ view: [named('+orders', {})] });
    expect(text).toBe('view: +orders {\n}\n');
    expect(parse(text).view['+orders']).toHaveLength(1);
  });

  it.each([
    ['an unknown key', { view: [named('v', { colour: 'red' })] }, /key 'colour': unknown key/],
    [';; inside SQL', { view: [named('v', { sql_table_name: 'x ;; drop' })] }, /must not contain ';;'/],
    ['a bare value with spaces', { view: [named('v', { dimension: [named('d', { type: 'string value' })] })] }, /not a plain LookML value/],
    ['an invalid name', { view: [named('bad name', {})] }, /not a valid LookML name/],
    ['a list for a single-valued key', { view: [named('v', { label: ['a'] })] }, /a list where the key expects/],
    ['pairs for a list key', { set: [named('s', { fields: pairs([['a', 'b']]) })] }, /pairs where the key expects list/],
  ])('refuses %s', (_what, bad, message) => {
    expect(() => serialize(bad)).toThrow(message);
  });
});
