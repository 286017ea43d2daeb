import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configJsonSchema, configJsonSchemaText, SCHEMA_FILE, shippedSchemaPath } from '../../src/config/json-schema';

describe('journey-stitch.schema.json', () => {
  it('is committed at the repo root and matches the zod schema (run `journey-stitch schema` to update it)', () => {
    expect(shippedSchemaPath()).toBe(path.resolve(__dirname, '../..', SCHEMA_FILE));
    expect(readFileSync(shippedSchemaPath(), 'utf8')).toBe(configJsonSchemaText());
  });

  it('describes what a user writes: warehouse and source required, defaulted keys optional', () => {
    const schema = configJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { enum?: string[] }>;
    };
    expect(schema.required.sort()).toEqual(['source', 'warehouse']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.warehouse.enum).toEqual(['duckdb', 'bigquery']);
  });
});
