/**
 * Depth and cost limits, as one graphql-js validation rule: a query over either is refused before
 * anything runs (400, `extensions.code` QUERY_TOO_DEEP or QUERY_TOO_COMPLEX). The rule runs in
 * Mercurius's preExecution hook (./plugin.ts), where the request's variables are known: a rule in
 * Mercurius's `validationRules` sees none, and rules made per request would turn its query cache off.
 *
 * Depth counts fields from the root: `{ port { classification { range } } }` is 3.
 *
 * Cost counts every field once, times the size of each list of objects around it:
 * - a page (`items` of `ports`, `services` and an organisation's `assignments`, `reservations`
 *   and `audit`) holds `first` items (the default when left out or null);
 * - a lookup list (`LookupAnswer.ports`/`services`) holds as many items as the argument list;
 * - any other list of objects (`iana`, `protocols`, `notes`, nested reports) counts as 10.
 * `{ ports(first: 500) { items { serviceName protocol } } }` costs 1 + 1 + 500 x 2 = 1002.
 *
 * A mutation field costs MUTATION_COST instead of 1: each is a transaction of its own, run one after
 * the other, so a document of many aliased mutations is a batch of writes the limit has to bound
 * (20_000 / 100: at most 200 mutations in one document). What it answers is counted as for a query.
 *
 * Introspection (`__schema`, `__type`, `__typename`) is exempt from depth, as in graphql-depth-limit:
 * GraphiQL's own introspection query is 13 levels deep. Its answer is bounded by the schema as long
 * as no list of the introspection types nests inside itself (`fields { type { fields ... } }`),
 * which is refused; its cost is one per field, with `__schema.types` counted as the number of types.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  validate,
  valueFromASTUntyped,
} from './graphql-js.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../registry/pagination.js';
import { MAX_LOOKUP_ITEMS } from '../registry/registry-reads.js';

export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_COST = 20_000;
/** What a list of objects without a size argument is taken to hold. */
export const LIST_ESTIMATE = 10;
/** What one field of a mutation costs, before what it answers. */
export const MUTATION_COST = 100;

export interface QueryLimits {
  depth: number;
  cost: number;
}

interface SizedList {
  /** The argument of the field above the list that sets its size. */
  argument: string;
  kind: 'count' | 'list';
  fallback: number;
  max: number;
}

const PAGE: SizedList = {
  argument: 'first',
  kind: 'count',
  fallback: DEFAULT_LIMIT,
  max: MAX_LIMIT,
};
const lookupList = (argument: string): SizedList => ({
  argument,
  kind: 'list',
  fallback: 0,
  max: MAX_LOOKUP_ITEMS,
});

/** Lists whose size an argument sets; any other list of objects counts as LIST_ESTIMATE. */
const SIZED_LISTS: Record<string, SizedList> = {
  'EntryConnection.items': PAGE,
  'ServiceMatchConnection.items': PAGE,
  'AssignmentConnection.items': PAGE,
  'ReservationConnection.items': PAGE,
  'AuditEventConnection.items': PAGE,
  'LookupAnswer.ports': lookupList('ports'),
  'LookupAnswer.services': lookupList('services'),
};

/** Thrown inside the walk once the cost is over the limit: nothing more needs counting. */
class OverBudget extends Error {}

interface Step {
  type: GraphQLCompositeType;
  /** Product of the list sizes around this selection. */
  weight: number;
  depth: number;
  /** The field whose selection this is (its arguments size lists below it). */
  field: FieldNode | null;
  /** Inside `__schema` or `__type`. */
  introspection: boolean;
  /** Introspection lists on the path (`__Type.fields`), each allowed once. */
  introspectionLists: ReadonlySet<string>;
  fragments: ReadonlySet<string>;
}

class QueryMeasure {
  cost = 0;
  tooDeep = false;
  nestedIntrospection: string | null = null;

  constructor(
    private readonly context: ValidationContext,
    private readonly limits: QueryLimits,
    /** The operation's variables, defaults filled in. */
    private readonly variables: Readonly<Record<string, unknown>>,
    /** What a field of the root type costs: MUTATION_COST for a mutation. */
    private readonly rootFieldCost: number,
  ) {}

  walk(selectionSet: SelectionSetNode, step: Step): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        this.field(selection, step);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const name = selection.typeCondition?.name.value;
        this.walk(selection.selectionSet, { ...step, type: this.compositeType(name) ?? step.type });
      } else {
        const name = selection.name.value;
        const fragment = this.context.getFragment(name);
        // A cycle of fragments is NoFragmentCyclesRule's to report.
        if (!fragment || step.fragments.has(name)) continue;
        this.walk(fragment.selectionSet, {
          ...step,
          type: this.compositeType(fragment.typeCondition.name.value) ?? step.type,
          fragments: new Set([...step.fragments, name]),
        });
      }
    }
  }

  private field(node: FieldNode, step: Step): void {
    const name = node.name.value;
    const introspection = step.introspection || name.startsWith('__');
    const depth = introspection ? step.depth : step.depth + 1;
    if (depth > this.limits.depth) this.tooDeep = true;
    this.cost += step.depth === 0 && !introspection ? this.rootFieldCost : step.weight;
    if (this.cost > this.limits.cost) throw new OverBudget();

    const definition = fieldDefinition(step.type, name);
    if (!definition || !node.selectionSet || depth > this.limits.depth) return;
    const type = getNamedType(definition.type);
    if (!isCompositeType(type)) return;

    const key = `${step.type.name}.${name}`;
    const list = isListType(getNullableType(definition.type));
    let introspectionLists = step.introspectionLists;
    if (introspection && list) {
      if (introspectionLists.has(key)) {
        this.nestedIntrospection = key;
        return;
      }
      introspectionLists = new Set([...introspectionLists, key]);
    }
    const size = list ? this.listSize(key, step.field, introspection) : 1;
    this.walk(node.selectionSet, {
      type,
      weight: step.weight * Math.max(size, 1),
      depth,
      field: node,
      introspection,
      introspectionLists,
      fragments: step.fragments,
    });
  }

  private listSize(key: string, parent: FieldNode | null, introspection: boolean): number {
    if (introspection) {
      return key === '__Schema.types'
        ? Object.keys(this.context.getSchema().getTypeMap()).length
        : 1;
    }
    const sized = SIZED_LISTS[key];
    if (!sized) return LIST_ESTIMATE;
    const value = parent?.arguments?.find(
      (argument) => argument.name.value === sized.argument,
    )?.value;
    const size =
      value?.kind === Kind.VARIABLE
        ? valueSize(this.variables[value.name.value], sized)
        : literalSize(value, sized);
    return Math.min(size, sized.max);
  }

  private compositeType(name: string | undefined): GraphQLCompositeType | undefined {
    const type = name === undefined ? undefined : this.context.getSchema().getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }
}

/** The size a literal argument gives a list. */
function literalSize(value: ValueNode | undefined, { kind, fallback }: SizedList): number {
  if (value === undefined || value.kind === Kind.NULL) return fallback;
  if (kind === 'count') return value.kind === Kind.INT ? Number(value.value) : fallback;
  // A single value where a list is expected is a list of one (GraphQL input coercion).
  return value.kind === Kind.LIST ? value.values.length : 1;
}

/** The size a variable's value gives a list; a value of the wrong type counts as the maximum. */
function valueSize(value: unknown, { kind, fallback, max }: SizedList): number {
  if (value === undefined || value === null) return fallback;
  if (kind === 'count') return typeof value === 'number' ? value : max;
  return Array.isArray(value) ? value.length : 1;
}

/** The operation's variables as the request gives them, defaults of the operation filled in. */
function variablesOf(
  operation: OperationDefinitionNode,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    values[name] =
      given[name] !== undefined
        ? given[name]
        : definition.defaultValue && valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

function fieldDefinition(
  type: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** The validation rule, for one request's variables. */
export function queryLimitsRule(
  variables: Readonly<Record<string, unknown>> = {},
  limits: QueryLimits = { depth: MAX_QUERY_DEPTH, cost: MAX_QUERY_COST },
): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const measure = new QueryMeasure(
        context,
        limits,
        variablesOf(operation, variables),
        operation.operation === OperationTypeNode.MUTATION ? MUTATION_COST : 1,
      );
      let overBudget = false;
      try {
        measure.walk(operation.selectionSet, {
          type: root,
          weight: 1,
          depth: 0,
          field: null,
          introspection: false,
          introspectionLists: new Set(),
          fragments: new Set(),
        });
      } catch (error) {
        if (!(error instanceof OverBudget)) throw error;
        overBudget = true;
      }
      const name = operation.name ? `operation ${operation.name.value}` : 'the operation';
      if (measure.tooDeep) {
        context.reportError(
          new GraphQLError(`${name} is deeper than the limit of ${limits.depth} levels`, {
            nodes: [operation],
            extensions: { code: 'QUERY_TOO_DEEP', limit: limits.depth },
          }),
        );
      }
      if (overBudget) {
        context.reportError(
          new GraphQLError(
            `${name} costs more than the limit of ${limits.cost} (each field counts once per item of the lists around it); ask for fewer items or fields`,
            { nodes: [operation], extensions: { code: 'QUERY_TOO_COMPLEX', limit: limits.cost } },
          ),
        );
      }
      if (measure.nestedIntrospection) {
        context.reportError(
          new GraphQLError(
            `${name} nests the introspection list ${measure.nestedIntrospection} inside itself`,
            { nodes: [operation], extensions: { code: 'QUERY_TOO_COMPLEX' } },
          ),
        );
      }
    },
  });
}

/** The errors of a document over the limits, for these variables; none when within them. */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  limits?: QueryLimits,
): readonly GraphQLError[] {
  return validate(schema, document, [queryLimitsRule(variables ?? {}, limits)]);
}
