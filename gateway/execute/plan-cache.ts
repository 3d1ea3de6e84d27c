import type { DocumentNode, GraphQLSchema } from 'graphql';

/**
 * Compiled plans by (role schema, document, operation name, variable shape). Keyed on the
 * schema and document objects themselves: a metadata change builds new schemas, so their plans
 * simply become unreachable, and the parser cache in front returns the same document object for
 * the same query text. Each document keeps a bounded number of shapes.
 */
export class PlanCache<Plan> {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentEntry<Plan>>>();

  constructor(private readonly maxShapesPerDocument = 64) {}

  entry(schema: GraphQLSchema, document: DocumentNode): DocumentEntry<Plan> {
    let documents = this.bySchema.get(schema);
    if (!documents) {
      documents = new WeakMap();
      this.bySchema.set(schema, documents);
    }
    let entry = documents.get(document);
    if (!entry) {
      entry = new DocumentEntry<Plan>(this.maxShapesPerDocument);
      documents.set(document, entry);
    }
    return entry;
  }
}

export class DocumentEntry<Plan> {
  /** Variables whose values are folded into the plan (learned the first time it is planned). */
  inlinedVariables: readonly string[] | null = null;
  private readonly plans = new Map<string, Plan>();

  constructor(private readonly max: number) {}

  get(key: string): Plan | undefined {
    return this.plans.get(key);
  }

  set(key: string, plan: Plan): void {
    if (this.plans.size >= this.max) {
      const oldest = this.plans.keys().next().value;
      if (oldest !== undefined) this.plans.delete(oldest);
    }
    this.plans.set(key, plan);
  }
}
