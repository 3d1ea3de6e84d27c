import { parse, type DocumentNode } from 'graphql';

/**
 * Parses a GraphQL document for either path (yoga's and the fast one). A bound on tokens keeps
 * a huge or hostile document from costing unbounded CPU; throws graphql-js's syntax error.
 */
export function parseDocument(source: string): DocumentNode {
  return parse(source, { maxTokens: 50_000, noLocation: false });
}
