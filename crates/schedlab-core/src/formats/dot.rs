//! Graphviz DOT task graphs.
//!
//! Reads a directed graph: node attribute `cost` (or `weight`) for a task's cost, or
//! `costs="14,16,9"` for one cost per processor (`-` = cannot run there); edge attribute
//! `data` (or `size`, `weight`) for the data volume. Nodes without a cost cost 1. Graph
//! attributes `processors="P1:cpu:1,P2:gpu:2"` (name:kind:speed), `bandwidth` and `latency`
//! give the platform; without them, `processors` identical CPUs (default 3). Subgraphs are
//! flattened; ports are ignored. [`export`] writes all of this, so DOT round-trips.

use crate::util::FastMap;

/// Attributes by name: the engine's option map type (no hash-table instantiation of its own
/// in the WebAssembly bundle).
type Attrs = crate::registry::Options;

/// The attributes the importer reads; the others are skipped as they are parsed, so an
/// element carries a handful whatever the file lists.
const READ: [&str; 8] = [
    "processors",
    "bandwidth",
    "latency",
    "costs",
    "cost",
    "weight",
    "data",
    "size",
];

use super::{ImportOptions, InputFile};
use crate::error::{Error, Result};
use crate::scenario::{limits, Edge, Network, ProcKind, Processor, Scenario, Task};

const FMT: &str = "DOT";
/// Processors created when the graph names none.
pub const DEFAULT_PROCESSORS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Id(String),
    Arrow,
    UndirectedEdge,
    Punct(char),
}

fn tokenize(text: &str) -> std::result::Result<Vec<(Tok, usize)>, String> {
    let mut out = Vec::new();
    let b: Vec<char> = text.chars().collect();
    let (mut i, mut line) = (0usize, 1usize);
    let mut at_line_start = true;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
            at_line_start = true;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if at_line_start && c == '#' {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        at_line_start = false;
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                if b[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            if i >= b.len() {
                return Err(format!("line {line}: unterminated comment"));
            }
            i += 2;
            continue;
        }
        if c == '-' && b.get(i + 1) == Some(&'>') {
            out.push((Tok::Arrow, line));
            i += 2;
            continue;
        }
        if c == '-' && b.get(i + 1) == Some(&'-') {
            out.push((Tok::UndirectedEdge, line));
            i += 2;
            continue;
        }
        if "{}[];,=:".contains(c) {
            out.push((Tok::Punct(c), line));
            i += 1;
            continue;
        }
        if c == '"' {
            let start_line = line;
            let mut s = String::new();
            i += 1;
            loop {
                match b.get(i) {
                    None => return Err(format!("line {start_line}: unterminated string")),
                    Some('"') => break,
                    Some('\\') if b.get(i + 1) == Some(&'"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some('\\') if b.get(i + 1) == Some(&'\n') => {
                        line += 1;
                        i += 2;
                    }
                    Some(&ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push((Tok::Id(s), start_line));
            continue;
        }
        if c == '<' {
            return Err(format!("line {line}: HTML-like labels are not supported"));
        }
        if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' {
            let mut s = String::new();
            while i < b.len()
                && (b[i].is_alphanumeric()
                    || b[i] == '_'
                    || b[i] == '.'
                    || (b[i] == '-' && !matches!(b.get(i + 1), Some('>') | Some('-'))))
            {
                s.push(b[i]);
                i += 1;
            }
            out.push((Tok::Id(s), line));
            continue;
        }
        return Err(format!("line {line}: unexpected character '{c}'"));
    }
    Ok(out)
}

#[derive(Default)]
struct Graph {
    name: String,
    attrs: Attrs,
    nodes: Vec<String>,
    node_attrs: FastMap<String, Attrs>,
    edges: Vec<(String, String, Attrs)>,
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// `{ ... }` groups open around the current token.
    depth: usize,
}

/// Deepest nesting of `{ ... }` groups and subgraphs read (the parser recurses per level).
pub const MAX_NESTING: usize = 100;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(1, |t| t.1)
    }
    fn err(&self, msg: impl std::fmt::Display) -> String {
        format!("line {}: {msg}", self.line())
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.0.clone());
        self.pos += 1;
        t
    }
    fn expect(&mut self, c: char) -> std::result::Result<(), String> {
        match self.next() {
            Some(Tok::Punct(x)) if x == c => Ok(()),
            other => Err(format!(
                "line {}: expected '{c}', found {}",
                self.toks.get(self.pos - 1).map_or(0, |t| t.1),
                describe(other.as_ref())
            )),
        }
    }
    fn id(&mut self) -> std::result::Result<String, String> {
        match self.next() {
            Some(Tok::Id(s)) => Ok(s),
            other => Err(format!(
                "line {}: expected a name, found {}",
                self.toks.get(self.pos.saturating_sub(1)).map_or(0, |t| t.1),
                describe(other.as_ref())
            )),
        }
    }
    fn attr_list(&mut self) -> std::result::Result<Attrs, String> {
        let mut attrs = Attrs::new();
        while self.peek() == Some(&Tok::Punct('[')) {
            self.next();
            while self.peek() != Some(&Tok::Punct(']')) {
                let k = self.id()?;
                let v = if self.peek() == Some(&Tok::Punct('=')) {
                    self.next();
                    self.id()?
                } else {
                    "true".into()
                };
                let k = k.to_ascii_lowercase();
                if READ.contains(&k.as_str()) {
                    attrs.insert(k, v);
                }
                if matches!(self.peek(), Some(Tok::Punct(',')) | Some(Tok::Punct(';'))) {
                    self.next();
                }
                if self.peek().is_none() {
                    return Err(self.err("unterminated attribute list"));
                }
            }
            self.next();
        }
        Ok(attrs)
    }
    /// A node id or a `{ ... }` / `subgraph` group, returning the nodes it stands for.
    fn operand(&mut self, g: &mut Graph) -> std::result::Result<Vec<String>, String> {
        match self.peek() {
            Some(Tok::Punct('{')) => self.block(g),
            Some(Tok::Id(s)) if s == "subgraph" => {
                self.next();
                if let Some(Tok::Id(_)) = self.peek() {
                    self.next();
                }
                self.block(g)
            }
            _ => {
                let id = self.id()?;
                if self.peek() == Some(&Tok::Punct(':')) {
                    self.next();
                    self.id()?; // port
                    if self.peek() == Some(&Tok::Punct(':')) {
                        self.next();
                        self.id()?; // compass point
                    }
                }
                add_node(g, &id);
                if g.nodes.len() > limits::MAX_TASKS {
                    return Err(self.err(format!(
                        "more than {} nodes, the task limit",
                        limits::MAX_TASKS
                    )));
                }
                Ok(vec![id])
            }
        }
    }
    fn block(&mut self, g: &mut Graph) -> std::result::Result<Vec<String>, String> {
        if self.depth >= MAX_NESTING {
            return Err(self.err(format!("subgraphs nested more than {MAX_NESTING} deep")));
        }
        self.expect('{')?;
        self.depth += 1;
        let before = g.nodes.len();
        self.stmts(g)?;
        self.expect('}')?;
        self.depth -= 1;
        Ok(g.nodes[before..].to_vec())
    }
    fn stmts(&mut self, g: &mut Graph) -> std::result::Result<(), String> {
        loop {
            match self.peek() {
                None | Some(Tok::Punct('}')) => return Ok(()),
                Some(Tok::Punct(';')) => {
                    self.next();
                }
                Some(Tok::Id(k))
                    if matches!(k.as_str(), "graph" | "node" | "edge")
                        && self.toks.get(self.pos + 1).map(|t| &t.0) == Some(&Tok::Punct('[')) =>
                {
                    let k = self.id()?;
                    let attrs = self.attr_list()?;
                    if k == "graph" {
                        g.attrs.extend(attrs);
                    }
                    // node/edge defaults are not task data; ignored.
                }
                Some(Tok::Id(_))
                    if self.toks.get(self.pos + 1).map(|t| &t.0) == Some(&Tok::Punct('=')) =>
                {
                    let k = self.id()?;
                    self.next();
                    let v = self.id()?;
                    let k = k.to_ascii_lowercase();
                    if READ.contains(&k.as_str()) {
                        g.attrs.insert(k, v);
                    }
                }
                _ => {
                    let line = self.line();
                    let mut lhs = self.operand(g)?;
                    let mut chain = Vec::new();
                    loop {
                        match self.peek() {
                            Some(Tok::Arrow) => {
                                self.next();
                                let rhs = self.operand(g)?;
                                chain.push((lhs.clone(), rhs.clone()));
                                lhs = rhs;
                            }
                            Some(Tok::UndirectedEdge) => {
                                return Err(self
                                    .err("undirected edge '--': a task graph must be a digraph"))
                            }
                            _ => break,
                        }
                    }
                    let attrs = self.attr_list()?;
                    if chain.is_empty() {
                        for n in &lhs {
                            g.node_attrs
                                .entry(n.clone())
                                .or_default()
                                .extend(attrs.clone());
                        }
                    } else {
                        // `{a b} -> {c d}` is every pair: count before expanding.
                        let pairs = chain.iter().fold(g.edges.len(), |k, (a, b)| {
                            k.saturating_add(a.len().saturating_mul(b.len()))
                        });
                        if pairs > limits::MAX_EDGES {
                            return Err(format!(
                                "line {line}: this edge statement brings the graph to {pairs} dependencies, above the limit of {}",
                                limits::MAX_EDGES
                            ));
                        }
                        for (a, b) in chain {
                            for x in &a {
                                for y in &b {
                                    g.edges.push((x.clone(), y.clone(), attrs.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn describe(t: Option<&Tok>) -> String {
    match t {
        None => "the end of the file".into(),
        Some(Tok::Id(s)) => format!("'{s}'"),
        Some(Tok::Arrow) => "'->'".into(),
        Some(Tok::UndirectedEdge) => "'--'".into(),
        Some(Tok::Punct(c)) => format!("'{c}'"),
    }
}

fn add_node(g: &mut Graph, id: &str) {
    if !g.node_attrs.contains_key(id) {
        g.node_attrs.insert(id.to_string(), Attrs::new());
        g.nodes.push(id.to_string());
    }
}

fn parse(text: &str) -> std::result::Result<Graph, String> {
    let toks = tokenize(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let mut g = Graph::default();
    if let Some(Tok::Id(s)) = p.peek() {
        if s.eq_ignore_ascii_case("strict") {
            p.next();
        }
    }
    match p.next() {
        Some(Tok::Id(s)) if s.eq_ignore_ascii_case("digraph") => {}
        Some(Tok::Id(s)) if s.eq_ignore_ascii_case("graph") => {
            return Err("an undirected `graph` is not a task graph; use `digraph`".into())
        }
        other => {
            return Err(format!(
                "expected `digraph`, found {}",
                describe(other.as_ref())
            ))
        }
    }
    if let Some(Tok::Id(_)) = p.peek() {
        g.name = p.id()?;
    }
    p.expect('{')?;
    p.stmts(&mut g)?;
    p.expect('}')?;
    if p.peek().is_some() {
        return Err(p.err("unexpected text after the closing '}'"));
    }
    Ok(g)
}

fn number(what: &str, v: &str) -> Result<f64> {
    crate::util::parse_f64(v.trim())
        .filter(|x| x.is_finite())
        .ok_or_else(|| Error::format(FMT, format!("{what}: '{v}' is not a number")))
}

pub fn import(file: &InputFile, options: &ImportOptions) -> Result<Scenario> {
    let g = parse(file.text).map_err(|e| Error::format(FMT, format!("{}: {e}", file.name)))?;
    let mut s = Scenario::new(if g.name.is_empty() {
        file.name.to_string()
    } else {
        g.name.clone()
    });
    s.source = "Graphviz DOT".into();
    s.processors = match g.attrs.get("processors") {
        Some(spec) if options.processors.is_none() => spec
            .split(',')
            .filter(|x| !x.trim().is_empty())
            .map(|p| {
                let parts: Vec<&str> = p.trim().split(':').collect();
                let kind = match parts.get(1) {
                    None => ProcKind::Cpu,
                    Some(k) => ProcKind::parse(k).ok_or_else(|| {
                        Error::format(FMT, format!("processor '{}': unknown kind '{k}'", parts[0]))
                    })?,
                };
                let speed = match parts.get(2) {
                    None => 1.0,
                    Some(v) => number(&format!("processor '{}' speed", parts[0]), v)?,
                };
                Ok(Processor {
                    name: parts[0].to_string(),
                    kind,
                    speed,
                })
            })
            .collect::<Result<_>>()?,
        _ => (1..=options.processors.unwrap_or(DEFAULT_PROCESSORS))
            .map(|i| Processor {
                name: format!("P{i}"),
                kind: ProcKind::Cpu,
                speed: 1.0,
            })
            .collect(),
    };
    let mut net = Network::default();
    if let Some(b) = g.attrs.get("bandwidth") {
        net.bandwidth = if b == "inf" {
            None
        } else {
            Some(number("graph bandwidth", b)?)
        };
    }
    if let Some(l) = g.attrs.get("latency") {
        net.latency = number("graph latency", l)?;
    }
    s.network = net;
    let m = s.processors.len();
    for name in &g.nodes {
        let a = &g.node_attrs[name];
        let task = if let Some(cs) = a.get("costs") {
            let costs: Vec<Option<f64>> = cs
                .split(',')
                .map(|c| match c.trim() {
                    "-" | "inf" | "" => Ok(None),
                    v => number(&format!("task '{name}' costs"), v).map(Some),
                })
                .collect::<Result<_>>()?;
            if costs.len() != m {
                return Err(Error::format(
                    FMT,
                    format!(
                        "task '{name}': `costs` has {} entries for {m} processors",
                        costs.len()
                    ),
                ));
            }
            Task {
                name: name.clone(),
                cost: None,
                costs: Some(costs),
            }
        } else {
            let c = match a.get("cost").or_else(|| a.get("weight")) {
                Some(v) => number(&format!("task '{name}' cost"), v)?,
                None => 1.0,
            };
            Task {
                name: name.clone(),
                cost: Some(c),
                costs: None,
            }
        };
        s.tasks.push(task);
    }
    for (a, b, attrs) in &g.edges {
        let data = match attrs
            .get("data")
            .or_else(|| attrs.get("size"))
            .or_else(|| attrs.get("weight"))
        {
            Some(v) => number(&format!("edge {a} -> {b} data"), v)?,
            None => 0.0,
        };
        s.edges.push(Edge {
            from: a.clone(),
            to: b.clone(),
            data,
        });
    }
    Ok(s)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn fmt_num(v: f64) -> String {
    format!("{v}")
}

/// Writes the scenario as DOT (per-pair links are not representable and are dropped).
pub fn export(s: &Scenario) -> String {
    let mut out = format!("digraph {} {{\n", quote(&s.name));
    let procs: Vec<String> = s
        .processors
        .iter()
        .map(|p| format!("{}:{}:{}", p.name, p.kind.as_str(), fmt_num(p.speed)))
        .collect();
    out.push_str(&format!("  graph [processors={}", quote(&procs.join(","))));
    match s.network.bandwidth {
        Some(b) => out.push_str(&format!(", bandwidth={}", quote(&fmt_num(b)))),
        None => out.push_str(", bandwidth=\"inf\""),
    }
    if s.network.latency != 0.0 {
        out.push_str(&format!(", latency={}", quote(&fmt_num(s.network.latency))));
    }
    out.push_str("];\n");
    for t in &s.tasks {
        match (&t.cost, &t.costs) {
            (_, Some(cs)) => {
                let list: Vec<String> = cs
                    .iter()
                    .map(|c| c.map_or("-".to_string(), fmt_num))
                    .collect();
                out.push_str(&format!(
                    "  {} [costs={}];\n",
                    quote(&t.name),
                    quote(&list.join(","))
                ));
            }
            (Some(c), None) => {
                out.push_str(&format!("  {} [cost={}];\n", quote(&t.name), fmt_num(*c)))
            }
            (None, None) => out.push_str(&format!("  {};\n", quote(&t.name))),
        }
    }
    for e in &s.edges {
        out.push_str(&format!(
            "  {} -> {} [data={}];\n",
            quote(&e.from),
            quote(&e.to),
            fmt_num(e.data)
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imp(text: &str) -> Result<Scenario> {
        import(
            &InputFile {
                name: "t.dot",
                text,
            },
            &ImportOptions::default(),
        )
    }

    #[test]
    fn reads_chains_groups_comments_and_ports() {
        let s = imp("/* c */ digraph g { // x\n# pre\n a [cost=2]; a -> {b c} -> d:p:n [data=3]; subgraph s { e } }").unwrap();
        let names: Vec<&str> = s.tasks.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(s.edges.len(), 4);
        assert_eq!(s.tasks[0].cost, Some(2.0));
        assert_eq!(s.edges[2].data, 3.0);
        assert_eq!(s.processors.len(), DEFAULT_PROCESSORS);
    }

    #[test]
    fn errors_name_the_line() {
        let err = imp("digraph {\n a -> \n}").unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(imp("graph { a -- b }")
            .unwrap_err()
            .to_string()
            .contains("digraph"));
        assert!(imp("digraph { a [cost=x] }")
            .unwrap_err()
            .to_string()
            .contains("not a number"));
        assert!(imp("digraph { \"a }")
            .unwrap_err()
            .to_string()
            .contains("unterminated"));
    }
}
