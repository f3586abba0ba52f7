/*
 * PromQL, as Prometheus 3.x parses it. Precedence is encoded by the order of the alternatives
 * of `expr` (ANTLR gives earlier alternatives higher precedence):
 *   postfix [range], [range:step], offset, @   (tightest)
 *   ^              right-associative
 *   unary + -      so -a^b is -(a^b) and -a*b is (-a)*b, as in Prometheus
 *   * / % atan2 </ >/  (</ and >/ trim native histograms)
 *   + -
 *   == != <= < >= >
 *   and unless
 *   or             (loosest)
 * Semantic checks (what a modifier may follow, types, duplicate modifiers) are done when the
 * parse tree becomes the AST, so the messages can match Prometheus's.
 */
parser grammar PromQL;

options { tokenVocab = PromQLLexer; }

query
    : expr EOF
    ;

/* A metric selector on its own, as in the `match[]` parameter of the HTTP API. */
metricSelector
    : vectorSelector EOF
    ;

expr
    : expr LEFT_BRACKET durationExpr RIGHT_BRACKET                                # matrixExpr
    | expr LEFT_BRACKET durationExpr COLON step=durationExpr? RIGHT_BRACKET       # subqueryExpr
    | expr OFFSET offsetValue                                                     # offsetExpr
    | expr AT atValue                                                             # atExpr
    | expr kind=(ANCHORED | SMOOTHED)                                             # rangeModifierExpr
    | <assoc=right> expr op=POW binModifier expr                                  # binaryExpr
    | op=(ADD | SUB) expr                                                         # unaryExpr
    | expr op=(MUL | DIV | MOD | ATAN2 | TRIM_UPPER | TRIM_LOWER) binModifier expr  # binaryExpr
    | expr op=(ADD | SUB) binModifier expr                                        # binaryExpr
    | expr op=(EQLC | NEQ | LTE | LSS | GTE | GTR) binModifier expr               # binaryExpr
    | expr op=(AND | UNLESS) binModifier expr                                     # binaryExpr
    | expr op=OR binModifier expr                                                 # binaryExpr
    | LEFT_PAREN expr RIGHT_PAREN                                                 # parenExpr
    | aggregation                                                                 # aggregationExpr
    | functionCall                                                                # callExpr
    | vectorSelector                                                              # selectorExpr
    | (NUMBER | DURATION)                                                         # numberExpr
    | STRING                                                                      # stringExpr
    ;

binModifier
    : BOOL? (onOrIgnoring=(ON | IGNORING) labelList (group=(GROUP_LEFT | GROUP_RIGHT) include=labelList?)?)? fillModifier*
    ;

/*
 * fill(v), fill_left(v), fill_right(v) (Prometheus's experimental promql-binop-fill-modifiers).
 * Not keywords: `a + fill` and `fill + fill(0) b` still name metrics called fill.
 */
fillModifier
    : {AstBuilder.isFillModifier(_input.LT(1).getText())}? IDENTIFIER LEFT_PAREN sign=(ADD | SUB)? NUMBER RIGHT_PAREN
    ;

/*
 * What follows `offset`. As in Prometheus's grammar, a literal, a duration function or a signed
 * parenthesis is taken alone, so `x offset 1m + 2` is `(x offset 1m) + 2` and `x offset -2 ^ 2`
 * is `(x offset -2) ^ 2` (ANTLR resolves the ambiguity to the first alternative); only an
 * unsigned parenthesis goes on as duration arithmetic, `x offset (1m) * 2` being an offset of 2m.
 */
offsetValue
    : sign=(ADD | SUB)? (NUMBER | DURATION)                                       # offsetLiteral
    | sign=(ADD | SUB)? durationCall                                              # offsetCall
    | sign=(ADD | SUB) LEFT_PAREN durationExpr RIGHT_PAREN                        # offsetSignedParen
    | durationExpr                                                                # offsetDuration
    ;

/*
 * Duration arithmetic in ranges, subquery steps and offsets (Prometheus's experimental
 * promql-duration-expr): numbers are seconds, with Prometheus's precedence (unary as `*`).
 */
durationExpr
    : <assoc=right> durationExpr op=POW durationExpr                              # durationBinary
    | op=(ADD | SUB) durationExpr                                                 # durationUnary
    | durationExpr op=(MUL | DIV | MOD) durationExpr                              # durationBinary
    | durationExpr op=(ADD | SUB) durationExpr                                    # durationBinary
    | LEFT_PAREN durationExpr RIGHT_PAREN                                         # durationParen
    | durationCall                                                                # durationFunction
    | (NUMBER | DURATION)                                                         # durationLiteral
    ;

/* step(), range(), min_of(a, b), max_of(a, b): the name is checked when the AST is built. */
durationCall
    : IDENTIFIER LEFT_PAREN (durationExpr COMMA durationExpr)? RIGHT_PAREN
    ;

signedNumber
    : sign=(ADD | SUB)? (NUMBER | DURATION)
    ;

atValue
    : signedNumber
    | atFn=(START | END) LEFT_PAREN RIGHT_PAREN
    ;

aggregation
    : aggregateOp grouping arguments
    | aggregateOp arguments grouping?
    ;

aggregateOp
    : SUM | AVG | COUNT | MIN | MAX | GROUP | STDDEV | STDVAR | TOPK | BOTTOMK
    | COUNT_VALUES | QUANTILE | LIMITK | LIMIT_RATIO
    ;

grouping
    : kind=(BY | WITHOUT) labelList
    ;

labelList
    : LEFT_PAREN (labelName (COMMA labelName)* COMMA?)? RIGHT_PAREN
    ;

functionCall
    : (IDENTIFIER | START | END) arguments
    ;

arguments
    : LEFT_PAREN (expr (COMMA expr)* trailing=COMMA?)? RIGHT_PAREN
    ;

vectorSelector
    : metricName labelMatchers?
    | labelMatchers
    ;

labelMatchers
    : LEFT_BRACE (matcher (COMMA matcher)* COMMA?)? RIGHT_BRACE
    ;

matcher
    : labelName op=(EQL | NEQ | EQL_REGEX | NEQ_REGEX) STRING
    | STRING
    ;

/* As in Prometheus, keywords that could start a binary-operator modifier are never metric names. */
metricName
    : IDENTIFIER
    | METRIC_IDENTIFIER
    | AND | OR | UNLESS | BY | WITHOUT | OFFSET | START | END | ANCHORED | SMOOTHED | aggregateOp
    ;

/* NUMBER: `Inf` and `NaN` are label names too (digits inside braces are refused before parsing). */
labelName
    : IDENTIFIER
    | keyword
    | STRING
    | NUMBER
    ;

/* Keywords are reserved only where they mean something: elsewhere they are plain names. */
keyword
    : AND | OR | UNLESS | ATAN2 | BY | WITHOUT | ON | IGNORING | GROUP_LEFT | GROUP_RIGHT
    | BOOL | OFFSET | START | END | ANCHORED | SMOOTHED | aggregateOp
    ;
