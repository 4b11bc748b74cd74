//! Rules: the small, safe expression language users write schedulers in (`rank_u`,
//! `if out_degree > 2 then rank_u * 2 else rank_u`, `min(finish, start + exec)`).
//!
//! Numbers, variables, `+ - * /` (also `− × ÷`), comparisons (`< <= > >= == !=`, 1 for
//! true, 0 for false), `and`, `or`, `not`, `if … then … else …`, and the functions `min`,
//! `max` (two or more arguments), `abs`, `log` (natural), `sqrt` and `exp`. No loops, no
//! assignment, no IO: a rule is parsed once into a flat tree and evaluated by a few lines of
//! match, the same bits natively and in WebAssembly (IEEE-754 `+ - * /` and `sqrt`, and
//! `log`/`exp` from the pure-Rust `libm` crate, as in [`crate::dist`]: std's bind to the
//! platform's libm, which differs in the last bit between glibc and WebAssembly).
//!
//! Hand-written instead of a crate (ARCHITECTURE.md, Dependencies): the grammar is 7
//! precedence levels; `evalexpr` and `fasteval` carry strings, maps and their own number
//! types into the WebAssembly bundle, and neither reports an unknown variable with its
//! position at parse time. Every error is one line with a 1-based character position:
//! `unknown variable 'rnk_u' at 10 (did you mean 'rank_u'?)`. Evaluation never panics:
//! division by zero, `log`/`sqrt` outside their domain and an overflow to infinity are
//! errors that name themselves and their position ([`EvalError`]). `if` evaluates only the
//! branch it takes, so `if idle > 0 then exec / idle else 0` is safe.

use crate::error::{Error, Result};

/// At most this many characters in a rule (a rule is a line, not a program).
pub const MAX_RULE_CHARS: usize = 2_000;
/// At most this many nested parentheses, calls, `if`s or unary operators: the parser and
/// the evaluator recurse, and a hostile rule must not overflow the stack.
pub const MAX_DEPTH: usize = 48;

/// A variable a rule may read: its name and one line saying what it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Var {
    pub name: &'static str,
    pub help: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Min,
    Max,
    Abs,
    Log,
    Sqrt,
    Exp,
}

const FUNCS: &[(&str, Func)] = &[
    ("min", Func::Min),
    ("max", Func::Max),
    ("abs", Func::Abs),
    ("log", Func::Log),
    ("sqrt", Func::Sqrt),
    ("exp", Func::Exp),
];

const KEYWORDS: &[&str] = &["if", "then", "else", "and", "or", "not"];

/// A node of the parsed rule; children are indices into [`Rule::nodes`], `pos` a 1-based
/// character position for evaluation errors.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    Var(usize),
    Neg(usize),
    Not(usize),
    Bin(Op, usize, usize, usize),
    Call(Func, Vec<usize>, usize),
    If(usize, usize, usize),
}

/// A parsed rule, ready to evaluate over a slice of variable values (in the order of the
/// variable list it was parsed against).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    text: String,
    nodes: Vec<Node>,
    root: usize,
    used: Vec<bool>,
}

/// What went wrong evaluating a rule, and where (1-based character position).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalError {
    pub what: &'static str,
    pub pos: usize,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.what, self.pos)
    }
}

/// A value every operator and call must give: a finite number (an overflow to infinity,
/// or a NaN from infinities, is an error at the operator that made it).
fn finite(v: f64, pos: usize) -> Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EvalError {
            what: "the value overflows (beyond ±1.8e308)",
            pos,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(&'static str),
    End,
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    at: usize,
    vars: &'a [Var],
    nodes: Vec<Node>,
    used: Vec<bool>,
    depth: usize,
}

fn err(msg: String) -> Error {
    Error::config(msg)
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().collect();
            let v = crate::util::parse_f64(&s)
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(format!("'{s}' at {pos} is not a number")))?;
            out.push((Tok::Num(v), pos));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), pos));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op = match two.as_str() {
            "<=" => Some("<="),
            ">=" => Some(">="),
            "==" => Some("=="),
            "!=" => Some("!="),
            "&&" => Some("and"),
            "||" => Some("or"),
            _ => None,
        };
        if let Some(op) = op {
            out.push((Tok::Op(op), pos));
            i += 2;
            continue;
        }
        let op = match c {
            '+' => "+",
            '-' | '−' => "-",
            '*' | '×' => "*",
            '/' | '÷' => "/",
            '<' => "<",
            '>' => ">",
            '≤' => "<=",
            '≥' => ">=",
            '≠' => "!=",
            '(' => "(",
            ')' => ")",
            ',' => ",",
            '=' => {
                return Err(err(format!(
                    "'=' at {pos}: compare with '==' (a rule assigns nothing)"
                )))
            }
            _ => return Err(err(format!("unexpected '{c}' at {pos}"))),
        };
        out.push((Tok::Op(op), pos));
        i += 1;
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// The number of single-character edits between `a` and `b` (for "did you mean").
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }
    fn pos(&self) -> usize {
        self.toks[self.at].1
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }
    fn push(&mut self, n: Node) -> usize {
        self.nodes.push(n);
        self.nodes.len() - 1
    }
    fn describe(&self) -> String {
        match self.peek() {
            Tok::Num(v) => format!("'{v}'"),
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Op(o) => format!("'{o}'"),
            Tok::End => "the end".into(),
        }
    }
    fn expect_word(&mut self, w: &str) -> Result<()> {
        if self.is_word(w) {
            self.at += 1;
            return Ok(());
        }
        Err(err(format!(
            "expected '{w}' at {}, found {}",
            self.pos(),
            self.describe()
        )))
    }
    fn expect_op(&mut self, op: &str) -> Result<()> {
        if self.is_op(op) {
            self.at += 1;
            return Ok(());
        }
        Err(err(format!(
            "expected '{op}' at {}, found {}",
            self.pos(),
            self.describe()
        )))
    }

    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(format!(
                "the rule nests deeper than {MAX_DEPTH} levels at {}",
                self.pos()
            )));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<usize> {
        self.deeper()?;
        let out = self.binary(0)?;
        self.depth -= 1;
        Ok(out)
    }

    /// Binary operators by precedence level: or, and, comparison, additive, multiplicative.
    fn binary(&mut self, level: usize) -> Result<usize> {
        const LEVELS: &[&[(&str, Op)]] = &[
            &[("or", Op::Or)],
            &[("and", Op::And)],
            &[
                ("<", Op::Lt),
                ("<=", Op::Le),
                (">", Op::Gt),
                (">=", Op::Ge),
                ("==", Op::Eq),
                ("!=", Op::Ne),
            ],
            &[("+", Op::Add), ("-", Op::Sub)],
            &[("*", Op::Mul), ("/", Op::Div)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        // `not` binds looser than a comparison, as in Python: `not a > b` is `not (a > b)`.
        if level == 2 && self.is_word("not") {
            self.at += 1;
            self.deeper()?;
            let x = self.binary(2)?;
            self.depth -= 1;
            return Ok(self.push(Node::Not(x)));
        }
        let mut left = self.binary(level + 1)?;
        loop {
            let found = LEVELS[level]
                .iter()
                .find(|(s, _)| self.is_op(s) || self.is_word(s))
                .map(|&(_, op)| op);
            let Some(op) = found else { break };
            let pos = self.pos();
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = self.push(Node::Bin(op, left, right, pos));
            // Comparisons do not chain: `a < b < c` is refused rather than read as (a<b)<c.
            if level == 2 && LEVELS[2].iter().any(|(s, _)| self.is_op(s)) {
                return Err(err(format!(
                    "comparisons do not chain at {}: write 'a < b and b < c'",
                    self.pos()
                )));
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<usize> {
        if self.is_op("-") || self.is_op("+") {
            let neg = self.is_op("-");
            self.at += 1;
            self.deeper()?;
            let x = self.unary()?;
            self.depth -= 1;
            return Ok(if neg { self.push(Node::Neg(x)) } else { x });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<usize> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Num(v) => {
                self.at += 1;
                Ok(self.push(Node::Num(v)))
            }
            Tok::Op("(") => {
                self.at += 1;
                let x = self.expr()?;
                self.expect_op(")")?;
                Ok(x)
            }
            // `if` is an operand, so `1 + if c then a else b` reads; its `else` branch
            // extends as far as it can.
            Tok::Ident(name) if name == "if" => {
                self.at += 1;
                let c = self.expr()?;
                self.expect_word("then")?;
                let a = self.expr()?;
                self.expect_word("else")?;
                let b = self.expr()?;
                Ok(self.push(Node::If(c, a, b)))
            }
            Tok::Ident(name) => {
                self.at += 1;
                if let Some(&(_, f)) = FUNCS.iter().find(|(n, _)| *n == name) {
                    return self.call(&name, f, pos);
                }
                if KEYWORDS.contains(&name.as_str()) {
                    return Err(err(format!("unexpected '{name}' at {pos}")));
                }
                if self.is_op("(") {
                    let known: Vec<&str> = FUNCS.iter().map(|f| f.0).collect();
                    return Err(err(format!(
                        "unknown function '{name}' at {pos} (functions: {})",
                        known.join(", ")
                    )));
                }
                match self.vars.iter().position(|v| v.name == name) {
                    Some(i) => {
                        self.used[i] = true;
                        Ok(self.push(Node::Var(i)))
                    }
                    None => {
                        let near = self
                            .vars
                            .iter()
                            .map(|v| (edits(&name, v.name), v.name))
                            .min()
                            .filter(|(d, _)| *d <= 2)
                            .map(|(_, n)| format!(" (did you mean '{n}'?)"))
                            .unwrap_or_default();
                        Err(err(format!("unknown variable '{name}' at {pos}{near}")))
                    }
                }
            }
            _ => Err(err(format!(
                "expected a number, a variable or '(' at {pos}, found {}",
                self.describe()
            ))),
        }
    }

    fn call(&mut self, name: &str, f: Func, pos: usize) -> Result<usize> {
        self.expect_op("(")?;
        self.deeper()?;
        let mut args = vec![self.expr()?];
        while self.is_op(",") {
            self.at += 1;
            args.push(self.expr()?);
        }
        self.expect_op(")")?;
        self.depth -= 1;
        let ok = match f {
            Func::Min | Func::Max => args.len() >= 2,
            _ => args.len() == 1,
        };
        if !ok {
            let want = if matches!(f, Func::Min | Func::Max) {
                "two or more arguments"
            } else {
                "one argument"
            };
            return Err(err(format!(
                "{name}() at {pos} takes {want} (got {})",
                args.len()
            )));
        }
        Ok(self.push(Node::Call(f, args, pos)))
    }
}

impl Rule {
    /// Parses `text` against the variables a rule may read.
    pub fn parse(text: &str, vars: &[Var]) -> Result<Rule> {
        let chars = text.chars().count();
        if chars > MAX_RULE_CHARS {
            return Err(Error::Limit {
                what: "rule length in characters",
                found: chars,
                limit: MAX_RULE_CHARS,
            });
        }
        if text.trim().is_empty() {
            return Err(err(
                "the rule is empty: write an expression such as 'rank_u'".into(),
            ));
        }
        let mut p = Parser {
            toks: lex(text)?,
            at: 0,
            vars,
            nodes: Vec::new(),
            used: vec![false; vars.len()],
            depth: 0,
        };
        let root = p.expr()?;
        if !matches!(p.peek(), Tok::End) {
            return Err(err(format!(
                "unexpected {} at {} (an operator is missing?)",
                p.describe(),
                p.pos()
            )));
        }
        Ok(Rule {
            text: text.to_string(),
            nodes: p.nodes,
            root,
            used: p.used,
        })
    }

    /// [`Rule::parse`] for a family's rule, its errors prefixed with which rule it is
    /// (`priority rule: unknown variable …`).
    pub fn parse_for(what: &str, text: &str, vars: &[Var]) -> Result<Rule> {
        Rule::parse(text, vars).map_err(|e| err(format!("{what} rule: {e}")))
    }

    /// The rule as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the rule reads variable `i` (callers skip computing the others).
    pub fn uses(&self, i: usize) -> bool {
        self.used.get(i).copied().unwrap_or(false)
    }

    /// The rule's value; `vars` in the order of the variable list it was parsed against.
    pub fn eval(&self, vars: &[f64]) -> Result<f64, EvalError> {
        // Every operator and call checks its own result; a variable is finite by
        // construction, so the value is too.
        finite(self.node(self.root, vars)?, 1)
    }

    fn node(&self, i: usize, vars: &[f64]) -> Result<f64, EvalError> {
        let truth = |b: bool| if b { 1.0 } else { 0.0 };
        Ok(match &self.nodes[i] {
            Node::Num(v) => *v,
            Node::Var(k) => vars.get(*k).copied().unwrap_or(0.0),
            Node::Neg(x) => -self.node(*x, vars)?,
            Node::Not(x) => truth(self.node(*x, vars)? == 0.0),
            Node::If(c, a, b) => {
                if self.node(*c, vars)? != 0.0 {
                    self.node(*a, vars)?
                } else {
                    self.node(*b, vars)?
                }
            }
            Node::Bin(op, a, b, pos) => {
                let x = self.node(*a, vars)?;
                // `and`/`or` short-circuit, like `if`.
                match op {
                    Op::And if x == 0.0 => return Ok(0.0),
                    Op::Or if x != 0.0 => return Ok(1.0),
                    _ => {}
                }
                let y = self.node(*b, vars)?;
                let v = match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div if y == 0.0 => {
                        return Err(EvalError {
                            what: "division by zero",
                            pos: *pos,
                        })
                    }
                    Op::Div => x / y,
                    Op::Lt => truth(x < y),
                    Op::Le => truth(x <= y),
                    Op::Gt => truth(x > y),
                    Op::Ge => truth(x >= y),
                    Op::Eq => truth(x == y),
                    Op::Ne => truth(x != y),
                    Op::And | Op::Or => truth(y != 0.0),
                };
                finite(v, *pos)?
            }
            Node::Call(f, args, pos) => finite(self.call(*f, args, *pos, vars)?, *pos)?,
        })
    }

    fn call(&self, f: Func, args: &[usize], pos: usize, vars: &[f64]) -> Result<f64, EvalError> {
        let x = self.node(args[0], vars)?;
        let domain = |ok: bool, what| {
            if ok {
                Ok(())
            } else {
                Err(EvalError { what, pos })
            }
        };
        Ok(match f {
            Func::Min | Func::Max => {
                let mut acc = x;
                for &a in &args[1..] {
                    let y = self.node(a, vars)?;
                    acc = if f == Func::Min {
                        acc.min(y)
                    } else {
                        acc.max(y)
                    };
                }
                acc
            }
            Func::Abs => x.abs(),
            Func::Log => {
                domain(x > 0.0, "log of a number that is not above 0")?;
                libm::log(x)
            }
            Func::Sqrt => {
                domain(x >= 0.0, "sqrt of a negative number")?;
                x.sqrt()
            }
            Func::Exp => libm::exp(x),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARS: &[Var] = &[
        Var {
            name: "rank_u",
            help: "",
        },
        Var {
            name: "idle",
            help: "",
        },
        Var {
            name: "exec",
            help: "",
        },
    ];

    fn eval(text: &str, vars: &[f64]) -> f64 {
        Rule::parse(text, VARS).unwrap().eval(vars).unwrap()
    }

    fn parse_err(text: &str) -> String {
        Rule::parse(text, VARS).unwrap_err().to_string()
    }

    #[test]
    fn arithmetic_follows_precedence_and_functions() {
        assert_eq!(eval("1 + 2 * 3", &[]), 7.0);
        assert_eq!(eval("(1 + 2) * 3", &[]), 9.0);
        assert_eq!(eval("10 − 4 ÷ 2 × 3", &[]), 4.0);
        assert_eq!(eval("-rank_u + 1", &[5.0]), -4.0);
        assert_eq!(eval("min(3, rank_u, 7)", &[2.0]), 2.0);
        assert_eq!(eval("max(3, rank_u)", &[2.0]), 3.0);
        assert_eq!(eval("abs(-2.5) + sqrt(16) + log(1) + exp(0)", &[]), 7.5);
        assert_eq!(eval("1.5e2 + .5", &[]), 150.5);
        assert_eq!(eval("2 < 3 and not (1 >= 2) or 0", &[]), 1.0);
        // `not` is looser than a comparison (Python's precedence).
        assert_eq!(eval("not rank_u > 5", &[3.0]), 1.0);
        assert_eq!(eval("not rank_u > 5 and rank_u > 1", &[3.0]), 1.0);
        assert_eq!(eval("rank_u == 4 || rank_u != 4", &[4.0]), 1.0);
        assert_eq!(eval("if rank_u > 3 then 10 else 20", &[4.0]), 10.0);
        assert_eq!(eval("if rank_u > 3 then 10 else 20", &[1.0]), 20.0);
        assert_eq!(eval("1 + if rank_u ≤ 3 then 1 else 2", &[3.0]), 2.0);
    }

    #[test]
    fn unknown_names_and_bad_syntax_name_their_position() {
        assert_eq!(
            parse_err("rank_u + rnk_u"),
            "unknown variable 'rnk_u' at 10 (did you mean 'rank_u'?)"
        );
        assert_eq!(parse_err("speedy"), "unknown variable 'speedy' at 1");
        assert!(parse_err("foo(1)").starts_with("unknown function 'foo' at 1"));
        assert_eq!(
            parse_err("1 +"),
            "expected a number, a variable or '(' at 4, found the end"
        );
        assert_eq!(parse_err("(1 + 2"), "expected ')' at 7, found the end");
        assert_eq!(
            parse_err("1 2"),
            "unexpected '2' at 3 (an operator is missing?)"
        );
        assert!(parse_err("rank_u = 2").starts_with("'=' at 8"));
        assert!(parse_err("1 < 2 < 3").contains("do not chain"));
        assert_eq!(
            parse_err("min(1)"),
            "min() at 1 takes two or more arguments (got 1)"
        );
        assert!(parse_err("if 1 then 2").contains("expected 'else' at 12"));
        assert!(parse_err("1 $ 2").contains("unexpected '$' at 3"));
        assert!(parse_err("   ").contains("empty"));
        assert!(parse_err(&"(".repeat(100)).contains("deeper than"));
        assert!(parse_err(&"-".repeat(100)).contains("deeper than"));
        assert!(parse_err(&format!("{}1", "+".repeat(100))).contains("deeper than"));
        assert!(parse_err(&"1+".repeat(2000)).contains("limit of 2000"));
    }

    #[test]
    fn evaluation_errors_name_what_and_where() {
        let r = Rule::parse("exec / idle", VARS).unwrap();
        assert_eq!(
            r.eval(&[0.0, 0.0, 3.0]).unwrap_err().to_string(),
            "division by zero at 6"
        );
        assert_eq!(r.eval(&[0.0, 2.0, 3.0]), Ok(1.5));
        // `if` evaluates only the branch taken.
        assert_eq!(
            eval("if idle > 0 then exec / idle else 0", &[0.0, 0.0, 3.0]),
            0.0
        );
        assert_eq!(eval("idle > 0 and exec / idle > 1", &[0.0, 0.0, 3.0]), 0.0);
        let e = Rule::parse("log(idle)", VARS)
            .unwrap()
            .eval(&[0.0, 0.0, 0.0]);
        assert_eq!(e.unwrap_err().pos, 1);
        let e = Rule::parse("exp(exec)", VARS)
            .unwrap()
            .eval(&[0.0, 0.0, 1e6]);
        assert!(e.unwrap_err().what.contains("overflows"));
        // Caught where it happens, even when a later operator would hide it.
        let e = Rule::parse("min(3, exp(exec))", VARS)
            .unwrap()
            .eval(&[0.0, 0.0, 1e6]);
        assert_eq!(e.unwrap_err().pos, 8);
        let e = Rule::parse("if 0 * exp(exec) then 1 else 2", VARS)
            .unwrap()
            .eval(&[0.0, 0.0, 1e6]);
        assert_eq!(e.unwrap_err().pos, 8);
    }

    #[test]
    fn uses_reports_the_variables_read() {
        let r = Rule::parse("rank_u * 2", VARS).unwrap();
        assert!(r.uses(0) && !r.uses(1) && !r.uses(2));
    }
}
