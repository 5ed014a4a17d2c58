// ESLint rule: money and FX rates are never JS numbers.
// Flags a `number` type on any binding whose name says it carries an amount,
// a rate or a materiality threshold (amountUsd, totalAmount, rate, fxRate,
// materialityThreshold, ...). Use a decimal string or `Money` instead.

const MONEY_NAME = /^(amount|rate|materiality)|(Amount|Rate)$|^(AMOUNT|RATE|MATERIALITY)|_(amount|rate)$/;

/** True when the annotation is `number`, or a union/array that contains one. */
function mentionsNumber(node) {
  if (!node) return false;
  switch (node.type) {
    case 'TSTypeAnnotation':
      return mentionsNumber(node.typeAnnotation);
    case 'TSNumberKeyword':
      return true;
    case 'TSUnionType':
    case 'TSIntersectionType':
      return node.types.some(mentionsNumber);
    case 'TSArrayType':
      return mentionsNumber(node.elementType);
    default:
      return false;
  }
}

function keyName(key) {
  if (!key) return undefined;
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noNumberMoney = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid `number` as the type of an amount, rate or materiality value' },
    messages: {
      numberMoney:
        "'{{name}}' carries money or a rate and must not be typed `number`: use a decimal string or Money.",
    },
    schema: [],
  },
  create(context) {
    function check(name, annotation, node) {
      if (name && MONEY_NAME.test(name) && mentionsNumber(annotation)) {
        context.report({ node, messageId: 'numberMoney', data: { name } });
      }
    }
    return {
      Identifier(node) {
        // Variables and parameters (constructor properties included):
        // `const amount: number`, `(rate: number) => ...`
        if (node.typeAnnotation) check(node.name, node.typeAnnotation, node);
      },
      TSPropertySignature(node) {
        check(keyName(node.key), node.typeAnnotation, node);
      },
      PropertyDefinition(node) {
        check(keyName(node.key), node.typeAnnotation, node);
      },
    };
  },
};

export default { rules: { 'no-number-money': noNumberMoney } };
