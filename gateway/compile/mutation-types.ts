export type { BoolExp, MutationOutput, NestedInsert, OnConflict, Param, ParamSource, UpdateStep } from '../plan/ir.js';
export type { QualifiedName as QualifiedNameLike } from '../../schema/model/database-model.js';
