import { describe, expect, it } from 'vitest';
import type { Metadata, TableMetadata } from '../../schema/metadata/metadata.js';
import { diffMetadata, formatDiff, summarizeDiff } from '../../gateway/metadata-files/index.js';

function metadata(tables: unknown[], extra: Record<string, unknown> = {}): Metadata {
  return { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: tables as TableMetadata[] }], ...extra } as Metadata;
}

const invoice = {
  table: { name: 'invoice', schema: 'public' },
  object_relationships: [{ name: 'customer', using: { foreign_key_constraint_on: 'customer_id' } }],
  select_permissions: [
    { role: 'customer', permission: { columns: ['invoice_id', 'billing_city', 'total'], filter: { customer_id: { _eq: 'X-Hasura-Customer-Id' } } } },
    { role: 'employee', permission: { columns: '*', filter: {} } },
  ],
  delete_permissions: [{ role: 'employee', permission: { filter: {} } }],
};

describe('metadata diff', () => {
  it('prints, per table and role, the columns and rules a permission change touches', () => {
    const changed = {
      ...invoice,
      select_permissions: [
        { role: 'employee', permission: { columns: '*', filter: {} } },
        {
          role: 'customer',
          permission: {
            columns: ['invoice_id', 'total', 'invoice_date'],
            filter: { _and: [{ customer_id: { _eq: 'X-Hasura-Customer-Id' } }, { total: { _gt: 0 } }] },
            limit: 50,
          },
        },
      ],
      insert_permissions: [{ role: 'customer', permission: { columns: ['total'], check: { customer_id: { _eq: 'X-Hasura-Customer-Id' } } } }],
      delete_permissions: [],
    };
    const changes = diffMetadata(metadata([invoice]), metadata([changed]));
    expect(formatDiff(changes)).toEqual([
      '~ table public.invoice',
      '    role customer',
      '      ~ select permission',
      '          columns added: invoice_date',
      '          columns removed: billing_city',
      '          filter: {"customer_id":{"_eq":"X-Hasura-Customer-Id"}} -> {"_and":[{"customer_id":{"_eq":"X-Hasura-Customer-Id"}},{"total":{"_gt":0}}]}',
      '          limit: (none) -> 50',
      '      + insert permission',
      '          columns: total',
      '          check: {"customer_id":{"_eq":"X-Hasura-Customer-Id"}}',
      '    role employee',
      '      - delete permission',
    ]);
    expect(summarizeDiff(changes)).toBe('3 changes (1 added, 1 removed, 1 changed)');
  });

  it('lists tracked tables, relationships, inherited roles and service keys added and removed', () => {
    const track = { table: { name: 'track', schema: 'public' } };
    const before = metadata([invoice, track], { inherited_roles: [{ role_name: 'staff', role_set: ['employee'] }] });
    const after = metadata(
      [{ ...invoice, object_relationships: [], array_relationships: [{ name: 'lines', using: { foreign_key_constraint_on: { table: 'invoice_line', column: 'invoice_id' } } }] }, { table: { name: 'genre', schema: 'public' } }],
      { service_keys: [{ name: 'ci', roles: ['employee'], key_hash: 'scrypt$x$y' }] },
    );
    expect(formatDiff(diffMetadata(before, after))).toEqual([
      '+ table public.genre',
      '~ table public.invoice',
      '    - object relationship customer',
      '    + array relationship lines',
      '        using: {"foreign_key_constraint_on":{"column":"invoice_id","table":"invoice_line"}}',
      '- table public.track',
      'inherited roles',
      '    - staff',
      'service keys',
      '    + ci',
      '        key_hash: (set)',
      '        roles: ["employee"]',
    ]);
  });

  it('finds no change between orderings of the same metadata', () => {
    const reordered = { ...invoice, select_permissions: [...invoice.select_permissions].reverse() };
    expect(diffMetadata(metadata([invoice, { table: 'track' }]), metadata([{ table: { schema: 'public', name: 'track' } }, reordered]))).toEqual([]);
  });
});
