import type { GraphQLNamedType } from 'graphql';

/** Named types of one schema build, created once each (GraphQL requires one object per name). */
export class TypeCache {
  private readonly types = new Map<string, GraphQLNamedType>();

  getOrCreate<T extends GraphQLNamedType>(name: string, create: () => T): T {
    const existing = this.types.get(name);
    if (existing) return existing as T;
    const created = create();
    this.types.set(name, created);
    return created;
  }
}
