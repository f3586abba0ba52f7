/* The tokens of PromQL. Keywords are case-insensitive, names are not. */
lexer grammar PromQLLexer;

AND          options { caseInsensitive = true; } : 'and';
OR           options { caseInsensitive = true; } : 'or';
UNLESS       options { caseInsensitive = true; } : 'unless';
ATAN2        options { caseInsensitive = true; } : 'atan2';
BY           options { caseInsensitive = true; } : 'by';
WITHOUT      options { caseInsensitive = true; } : 'without';
ON           options { caseInsensitive = true; } : 'on';
IGNORING     options { caseInsensitive = true; } : 'ignoring';
GROUP_LEFT   options { caseInsensitive = true; } : 'group_left';
GROUP_RIGHT  options { caseInsensitive = true; } : 'group_right';
BOOL         options { caseInsensitive = true; } : 'bool';
OFFSET       options { caseInsensitive = true; } : 'offset';
START        options { caseInsensitive = true; } : 'start';
END          options { caseInsensitive = true; } : 'end';
ANCHORED     options { caseInsensitive = true; } : 'anchored';
SMOOTHED     options { caseInsensitive = true; } : 'smoothed';
SUM          options { caseInsensitive = true; } : 'sum';
AVG          options { caseInsensitive = true; } : 'avg';
COUNT        options { caseInsensitive = true; } : 'count';
MIN          options { caseInsensitive = true; } : 'min';
MAX          options { caseInsensitive = true; } : 'max';
GROUP        options { caseInsensitive = true; } : 'group';
STDDEV       options { caseInsensitive = true; } : 'stddev';
STDVAR       options { caseInsensitive = true; } : 'stdvar';
TOPK         options { caseInsensitive = true; } : 'topk';
BOTTOMK      options { caseInsensitive = true; } : 'bottomk';
COUNT_VALUES options { caseInsensitive = true; } : 'count_values';
QUANTILE     options { caseInsensitive = true; } : 'quantile';
LIMITK       options { caseInsensitive = true; } : 'limitk';
LIMIT_RATIO  options { caseInsensitive = true; } : 'limit_ratio';

/* Inf and NaN in any case are numbers, as in Prometheus; `info` stays a name (longest match). */
NUMBER
    : '0' [xX] HEX_DIGIT+
    | DIGIT+ ('.' DIGIT*)? EXPONENT?
    | '.' DIGIT+ EXPONENT?
    | [iI] [nN] [fF]
    | [nN] [aA] [nN]
    ;

/* Units and their order are checked when the duration is read. */
DURATION
    : (DIGIT+ ('ms' | [smhdwy]))+
    ;

STRING
    : '"' ('\\' . | ~["\\\n])* '"'
    | '\'' ('\\' . | ~['\\\n])* '\''
    | '`' ~'`'* '`'
    ;

/* A quote that never closes: a token of its own so the error can say so. */
UNTERMINATED_STRING
    : '"' ('\\' . | ~["\\\n])*
    | '\'' ('\\' . | ~['\\\n])*
    | '`' ~'`'*
    ;

IDENTIFIER
    : [a-zA-Z_] [a-zA-Z0-9_]*
    ;

METRIC_IDENTIFIER
    : [a-zA-Z_:] [a-zA-Z0-9_:]*
    ;

LEFT_PAREN    : '(';
RIGHT_PAREN   : ')';
LEFT_BRACE    : '{';
RIGHT_BRACE   : '}';
LEFT_BRACKET  : '[' -> pushMode(BRACKETS);
RIGHT_BRACKET : ']';
COMMA         : ',';
COLON         : ':';
AT            : '@';
ADD           : '+';
SUB           : '-';
MUL           : '*';
DIV           : '/';
MOD           : '%';
POW           : '^';
EQLC          : '==';
NEQ           : '!=';
LTE           : '<=';
/* Histogram trim operators: keep the observations below (</) or above (>/) the right operand. */
TRIM_UPPER    : '</';
TRIM_LOWER    : '>/';
LSS           : '<';
GTE           : '>=';
GTR           : '>';
EQL           : '=';
EQL_REGEX     : '=~';
NEQ_REGEX     : '!~';

COMMENT : '#' ~[\r\n]* -> skip;
WS      : [ \t\r\n]+ -> skip;

/* Anything else: the parser reports it as an unexpected character. */
ERROR_CHAR : .;

fragment DIGIT     : [0-9];
fragment HEX_DIGIT : [0-9a-fA-F];
fragment EXPONENT  : [eE] [+-]? DIGIT+;

/*
 * Inside [...] a colon separates range and step, so `:1m` is not a metric name there; the
 * operators, parentheses and names are those of duration expressions (`[2m*(10+5)]`, `[step()]`).
 */
mode BRACKETS;
B_DURATION : (DIGIT+ ('ms' | [smhdwy]))+ -> type(DURATION);
B_NUMBER   : (DIGIT+ ('.' DIGIT*)? EXPONENT? | '.' DIGIT+ EXPONENT?) -> type(NUMBER);
B_COLON    : ':' -> type(COLON);
B_RIGHT    : ']' -> type(RIGHT_BRACKET), popMode;
B_LPAREN   : [(] -> type(LEFT_PAREN);
B_RPAREN   : [)] -> type(RIGHT_PAREN);
B_COMMA    : [,] -> type(COMMA);
B_ADD      : [+] -> type(ADD);
B_SUB      : [-] -> type(SUB);
B_MUL      : [*] -> type(MUL);
B_DIV      : [/] -> type(DIV);
B_MOD      : [%] -> type(MOD);
B_POW      : [^] -> type(POW);
/* Only the duration functions are names here; any other letter is an unexpected character. */
B_NAME     options { caseInsensitive = true; } : ('step' | 'range' | 'min_of' | 'max_of') -> type(IDENTIFIER);
B_WS       : [ \t\r\n]+ -> skip;
B_ERROR    : . -> type(ERROR_CHAR);
