import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * At most one `login` per operation. Aliases would otherwise turn one request into many password
 * guesses (`a: login(…) b: login(…) …`). Counted by response key through inline fragments and
 * fragment spreads, before anything runs; `@skip`/`@include` are not evaluated (refused all the same).
 */
export function oneLoginPerOperation(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
      const keys = new Set<string>();
      const spread = new Set<string>();
      const visit = (set: SelectionSetNode) => {
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            if (selection.name.value === 'login') keys.add(selection.alias?.value ?? 'login');
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            visit(selection.selectionSet);
          } else if (!spread.has(selection.name.value)) {
            spread.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) visit(fragment.selectionSet);
          }
        }
      };
      visit(operation.selectionSet);
      if (keys.size > 1) {
        context.reportError(new GraphQLError(
          `Only one \`login\` per request; this operation has ${keys.size}. Each sign-in attempt is a request of its own.`,
          { nodes: operation },
        ));
      }
    },
  };
}
