//! IR: the selected shapes with every Rust name, module, optionality and constraint resolved
//! once, so the emitters only print.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Result};
/// The model's own vocabulary, used as is in the IR.
pub use crate::model::{AcceptorState, Comparator, ErrorFault};
use crate::model::{Bounds, Member, Model, Shape, ShapeId, ShapeKind, Simple, Traits};
use crate::naming;
use crate::select::Selection;

#[derive(Debug, Clone)]
pub struct Crate {
    /// Cargo package name (`rekognition`).
    pub package: String,
    pub service: Service,
    pub operations: Vec<Operation>,
    pub structures: Vec<Structure>,
    pub enums: Vec<Enum>,
    pub unions: Vec<Union>,
    pub int_enums: Vec<IntEnum>,
    /// Patterns used by validators, in first-use order, with their Rust static names.
    pub patterns: Vec<PatternDef>,
    /// Patterns the model declares that no validator checks (see `Constraints::skipped_pattern`).
    pub skipped_patterns: BTreeSet<String>,
    /// Things the generator chose not to do, each naming its shape.
    pub warnings: Vec<String>,
    /// The service's endpoint rules (`None`: the model has none; see [`crate::endpoints`]).
    pub endpoints: Option<crate::endpoints::rules::Endpoints>,
    /// The model file, recorded in the manifest (see [`crate::model::ModelSource`]).
    pub source: Option<crate::model::ModelSource>,
}

impl Crate {
    /// The generated structure at `path`, if it is one.
    pub fn structure(&self, path: &TypePath) -> Option<&Structure> {
        find_structure(&self.structures, path)
    }
}

/// Model documentation (`@documentation`), converted to rustdoc lines once, on first use, by
/// whichever emitter thread needs it first: a member's docs appear on its field, its builder
/// setter, its fluent setter and in the CLI help.
#[derive(Clone)]
pub struct Docs {
    source: String,
    lines: std::sync::OnceLock<Vec<String>>,
}

/// The source only: whether the lines have been converted yet is not part of the IR.
impl std::fmt::Debug for Docs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Docs").field(&self.source).finish()
    }
}

impl Docs {
    pub fn new(source: String) -> Docs {
        Docs {
            source,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The documentation as rustdoc lines (see [`crate::docs::to_rustdoc`]).
    pub fn lines(&self) -> &[String] {
        self.lines
            .get_or_init(|| crate::docs::to_rustdoc(&self.source))
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: ShapeId,
    pub title: String,
    pub docs: Option<Docs>,
    pub version: String,
    /// The `X-Amz-Target` prefix: the service shape's name.
    pub target_prefix: String,
    /// SigV4 signing name: `aws.auth#sigv4` `name`, else the endpoint prefix.
    pub signing_name: String,
    /// `aws.api#service` `endpointPrefix`, else the lower-cased service name.
    pub endpoint_prefix: String,
    pub protocol: Protocol,
    /// `aws.protocols#awsQueryCompatible`: send `x-amzn-query-mode` and read
    /// `x-amzn-query-error`.
    pub query_compatible: bool,
}

pub use crate::protocol::Protocol;

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Types,
    Error,
    /// `operation::<name>`
    Operation(String),
    /// `<module>::builders`: the builders of the module's structures, where no shape's name
    /// can meet them.
    Builders(Box<Module>),
}

impl Module {
    pub fn describe(&self) -> String {
        match self {
            Module::Types => "types".into(),
            Module::Error => "error".into(),
            Module::Operation(op) => format!("operation::{op}"),
            Module::Builders(parent) => format!("{}::builders", parent.describe()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypePath {
    pub module: Module,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: ShapeId,
    /// The model's operation name (`CreateFaceLivenessSession`).
    pub name: String,
    /// Module and function name (`create_face_liveness_session`).
    pub snake: String,
    pub docs: Option<Docs>,
    pub input: TypePath,
    pub output: TypePath,
    /// `CreateFaceLivenessSessionError`
    pub error_enum: String,
    /// `CreateFaceLivenessSessionFluentBuilder`
    pub fluent_builder: String,
    pub errors: Vec<ErrorRef>,
    pub idempotent: bool,
    /// `@endpoint` `hostPrefix`, such as `foo.{label}.`.
    pub host_prefix: Option<HostPrefix>,
    /// `@requestCompression` lists gzip: large bodies are gzipped before sending.
    pub gzip: bool,
    /// `@httpChecksumRequired`: the request carries a `Content-MD5` header.
    pub content_md5: bool,
    /// How requests are authenticated (`smithy.api#auth`, `@optionalAuth`).
    pub auth: Auth,
    /// What the AWS SDKs add to this service's requests beyond its model
    /// ([`crate::customize`]).
    pub customizations: Vec<crate::customize::Customization>,
    /// `@paginated` (with the service's defaults), its members resolved.
    pub paginator: Option<Paginator>,
    /// `smithy.waiters#waitable`, by waiter name.
    pub waiters: Vec<WaiterDef>,
    /// `@http` and the input's and output's member bindings, for a REST protocol.
    pub http: Option<crate::http::HttpOperation>,
    /// The input holds an event stream (a member targeting a `@streaming` union).
    pub event_input: bool,
    /// The output holds an event stream.
    pub event_output: bool,
    /// The request must go over HTTP/2: the operation has an event stream and its service's
    /// protocol trait does not let event streams use HTTP/1.1
    /// ([`Protocol::event_streams_need_http2`]). The crate then gets the `http2` feature, on by
    /// default, and `serialize_request` asks the transport for HTTP/2.
    pub http2: bool,
}

impl Operation {
    /// The request has a `@streaming` payload (an upload sent as it is read, or an input
    /// event stream): the input is taken by value and its payload moved into the body.
    pub fn streams_input(&self) -> bool {
        self.event_input || self.http.as_ref().is_some_and(|http| http.input.streaming)
    }

    /// The response has a `@streaming` payload (read by the caller as it arrives).
    pub fn streams_output(&self) -> bool {
        self.http.as_ref().is_some_and(|http| http.output.streaming)
    }

    /// Any of these.
    pub fn streams(&self) -> bool {
        self.streams_input() || self.streams_output() || self.streams_events()
    }

    /// The response's payload is an event stream.
    pub fn streams_events(&self) -> bool {
        self.event_output
    }

    /// The request's payload is an event stream (an input or duplex stream).
    pub fn sends_events(&self) -> bool {
        self.event_input
    }

    /// Marks the operation as needing HTTP/2 when it has an event stream and its service's
    /// event streams need HTTP/2 (`service_needs_it`); other operations of such a service keep
    /// HTTP/1.1.
    fn needing_http2_if(mut self, service_needs_it: bool) -> Operation {
        self.http2 = service_needs_it && (self.streams_events() || self.sends_events());
        self
    }
}

/// How an operation pages: the tokens, the page size and the items, as Rust field paths.
/// An operation's authentication: the first scheme of its `smithy.api#auth` list (else the
/// service's, else every scheme trait the service has) that the client supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    SigV4,
    /// The model lists SigV4 and `@httpBearerAuth`: a configured bearer token is used, else
    /// SigV4.
    SigV4OrBearer,
    /// `@httpBearerAuth` alone.
    Bearer,
    /// `@optionalAuth`: signed when credentials resolve, else unsigned.
    Optional,
    /// An empty list (`@auth([])`): unsigned.
    Anonymous,
}

#[derive(Debug, Clone)]
pub struct Paginator {
    /// `ListThingsPaginator`
    pub name: String,
    /// The input member (Rust field) the token goes in.
    pub input_token: String,
    /// The same member's name on the wire.
    pub input_token_wire: String,
    /// The output member holding the next token, possibly nested (`a.b`).
    pub output_token: Vec<PathStep>,
    /// The token's type (the same in the input and the output).
    pub token_ty: Type,
    /// The token is a string, list or map, so an empty one ends pagination too.
    pub token_can_be_empty: bool,
    /// The input member setting the page size, and its type.
    pub page_size: Option<(String, Type)>,
    /// The same member's name on the wire.
    pub page_size_wire: Option<String>,
    /// The output member holding each page's items (a list or map), and its type.
    pub items: Option<(Vec<PathStep>, Type)>,
}

/// One member along a path through structures.
#[derive(Debug, Clone)]
pub struct PathStep {
    pub ident: String,
    /// The member's name on the wire (`NextToken`).
    pub wire: String,
    /// `Option<T>` in its structure.
    pub optional: bool,
}

/// A waiter: `Client::wait_until_<snake>()`.
#[derive(Debug, Clone)]
pub struct WaiterDef {
    /// The model's name (`TableExists`).
    pub name: String,
    /// `table_exists`
    pub snake: String,
    /// `TableExistsWaiter`
    pub type_name: String,
    pub docs: Option<Docs>,
    /// Seconds.
    pub min_delay: u64,
    /// Seconds.
    pub max_delay: u64,
    pub acceptors: Vec<Acceptor>,
    pub deprecated: bool,
}

/// A waiter acceptor: the state a poll's result moves the waiter to when `matcher` matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: AcceptorMatcher,
}

/// What an acceptor matches, checked when the IR is built.
#[derive(Debug, Clone, PartialEq)]
pub enum AcceptorMatcher {
    /// A JMESPath expression over the output (or over `{"input": .., "output": ..}` when
    /// `with_input`) compared with `expected`. The expression compiled when the IR was built;
    /// the generated crate evaluates it on each poll. For `BooleanEquals`, `expected` is
    /// `"true"` or `"false"`.
    Path {
        with_input: bool,
        path: String,
        expected: String,
        comparator: Comparator,
    },
    /// The call succeeded (`true`) or failed (`false`).
    Success(bool),
    /// The call failed with this error code (never empty).
    ErrorType(String),
}

#[derive(Debug, Clone)]
pub struct HostPrefix {
    pub template: String,
    /// `{label}` → the input member (Rust field) that fills it, and whether that field is an
    /// `Option`.
    pub labels: Vec<(String, String, bool)>,
}

#[derive(Debug, Clone)]
pub struct ErrorRef {
    /// The error code on the wire: the shape's name.
    pub code: String,
    pub ty: TypePath,
    pub fault: ErrorFault,
    /// The shape has `@retryable`.
    pub retryable: bool,
    /// `@awsQueryError` code, for query-compatible services.
    pub query_code: Option<String>,
    /// For a REST protocol: the error's `@httpError` status code and its members' bindings.
    pub http: Option<(Option<u16>, crate::http::Bindings)>,
    pub docs: Option<Docs>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    Input,
    Output,
    Error(ErrorFault),
    Plain,
}

#[derive(Debug, Clone)]
pub struct Structure {
    pub id: ShapeId,
    pub path: TypePath,
    /// Its builder's name (`<Name>Builder`), in the module's `builders`.
    pub builder: String,
    pub docs: Option<Docs>,
    pub kind: StructKind,
    pub fields: Vec<Field>,
    /// Reachable from an operation input: gets a validator and a serializer.
    pub validated: bool,
    /// Reachable from an operation output or error: gets a deserializer.
    pub deserialized: bool,
    /// Reachable from an operation output (not only from errors): the command-line client
    /// writes it out.
    pub in_output: bool,
    /// The shape is `@sensitive`: printed redacted as a whole.
    pub sensitive: bool,
}

impl Structure {
    pub fn builder_name(&self) -> String {
        self.builder.clone()
    }

    /// Where its builder lives: `builders` inside the structure's own module.
    pub fn builder_path(&self) -> TypePath {
        TypePath {
            module: Module::Builders(Box::new(self.path.module.clone())),
            name: self.builder.clone(),
        }
    }

    /// Members the builder must be given (not `Option` in the struct, no default).
    pub fn required_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|f| !f.optional && f.default.is_none())
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The member name, as on the wire and in validation paths.
    pub wire: String,
    /// The member's key in a JSON body: its `@jsonName` where the protocol honours it
    /// (restJson1), else the member name.
    pub json_key: String,
    /// The Rust field name (possibly `r#type`).
    pub ident: String,
    pub docs: Option<Docs>,
    pub ty: Type,
    /// `Option<T>` in the struct.
    pub optional: bool,
    /// The member has `@required`.
    pub required: bool,
    /// A `@default` value for a non-optional member.
    pub default: Option<Value>,
    pub sensitive: bool,
    /// `Box`ed, because the target contains this structure again (recursion).
    pub boxed: bool,
    pub constraints: Constraints,
    /// `@idempotencyToken`: a fresh UUID v4 is sent when the caller leaves it unset.
    pub idempotency_token: bool,
    /// In an event: `@eventHeader` (the member is a message header, by its name) or
    /// `@eventPayload` (the member is the whole payload).
    pub event: Option<EventBinding>,
}

/// Where an event structure's member goes in an event-stream message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventBinding {
    Header,
    Payload,
}

impl Field {
    /// An `@idempotencyToken` string member: the client fills it with a fresh UUID v4 when the
    /// caller leaves it unset.
    pub fn is_auto_token(&self) -> bool {
        self.idempotency_token && self.ty == Type::String
    }

    /// Printed redacted (`Debug`, the command line's `--debug`): `@sensitive` itself or by its
    /// target, or a list or map whose items are.
    pub fn redacted(&self) -> bool {
        self.sensitive || self.ty.holds_sensitive()
    }
}

impl UnionVariant {
    /// Printed redacted, as [`Field::redacted`].
    pub fn redacted(&self) -> bool {
        self.sensitive || self.ty.as_ref().is_some_and(Type::holds_sensitive)
    }
}

impl Type {
    /// A list or map (at any depth) whose items are `@sensitive`.
    pub fn holds_sensitive(&self) -> bool {
        match self {
            Type::List(item) => item.sensitive || item.ty.holds_sensitive(),
            Type::Map(map) => map.value.sensitive || map.value.ty.holds_sensitive(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Bool,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    Blob,
    /// A `@streaming` blob: the runtime's `ByteStream`, read and sent in pieces.
    ByteStream,
    /// A `@streaming` union (an event stream) of an operation's output: the runtime's
    /// `EventReceiver` of the union's events, failing with the operation's error enum.
    EventStream {
        events: TypePath,
        error: TypePath,
    },
    /// A `@streaming` union of an operation's input: the runtime's `InputEvents` of the
    /// union's events, sent as the call runs.
    InputEvents(TypePath),
    Enum(TypePath),
    Struct(TypePath),
    List(Box<ListItem>),
    /// A map with string (or string enum) keys, kept in key order.
    Map(Box<MapType>),
    Timestamp(TimestampFormat),
    Document,
    Union(TypePath),
    IntEnum(TypePath),
}

impl Type {
    /// Whether two types are one Rust type: constraints, sensitivity and timestamp formats
    /// (every timestamp is a `DateTime`) aside.
    pub fn same_rust_type(&self, other: &Type) -> bool {
        let items = |a: &ListItem, b: &ListItem| a.sparse == b.sparse && a.ty.same_rust_type(&b.ty);
        match (self, other) {
            (Type::Timestamp(_), Type::Timestamp(_)) => true,
            (Type::List(a), Type::List(b)) => items(a, b),
            (Type::Map(a), Type::Map(b)) => {
                a.key.same_rust_type(&b.key) && items(&a.value, &b.value)
            }
            (a, b) => a == b,
        }
    }
}

/// How a timestamp is written on the wire (`@timestampFormat`; awsJson's default is epoch
/// seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

impl TimestampFormat {
    fn from_trait(format: Option<&str>) -> Self {
        match format {
            Some("date-time") => TimestampFormat::DateTime,
            Some("http-date") => TimestampFormat::HttpDate,
            _ => TimestampFormat::EpochSeconds,
        }
    }
}

/// A tagged union: exactly one member is set.
#[derive(Debug, Clone)]
pub struct Union {
    pub id: ShapeId,
    pub path: TypePath,
    pub docs: Option<Docs>,
    pub variants: Vec<UnionVariant>,
    /// `@streaming`: an event stream, its variants the events. Its `@error` members are
    /// errors of the operations that receive it; they are variants too when some operation
    /// sends the stream (a client may send a modeled exception), never received as such.
    pub event_stream: bool,
    /// An event stream's `@error` members: (member name, the error structure). The member
    /// name is what an `exception` message's `:exception-type` says.
    pub errors: Vec<(String, TypePath)>,
    pub validated: bool,
    pub deserialized: bool,
    /// As [`Structure::in_output`].
    pub in_output: bool,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The member name on the wire.
    pub wire: String,
    /// The member's key in a JSON body (see [`Field::json_key`]).
    pub json_key: String,
    pub ident: String,
    pub docs: Option<Docs>,
    /// `None` for members targeting `Unit`.
    pub ty: Option<Type>,
    pub boxed: bool,
    pub sensitive: bool,
    pub constraints: Constraints,
}

/// An `intEnum`: named integer values, unknown ones kept.
#[derive(Debug, Clone)]
pub struct IntEnum {
    pub id: ShapeId,
    pub path: TypePath,
    pub docs: Option<Docs>,
    pub variants: Vec<IntVariant>,
}

#[derive(Debug, Clone)]
pub struct IntVariant {
    pub ident: String,
    pub value: i32,
    pub docs: Option<Docs>,
}

/// The element of a list, or the value of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub ty: Type,
    pub constraints: Constraints,
    pub sensitive: bool,
    /// `@sparse`: nulls are kept, so the Rust element is `Option<T>`.
    pub sparse: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapType {
    /// `Type::String` or `Type::Enum`.
    pub key: Type,
    pub key_constraints: Constraints,
    pub value: ListItem,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    /// Index into `Crate::patterns`.
    pub pattern: Option<usize>,
    /// A pattern the model declares but no validator can honour, and why: documented on the
    /// member, never checked.
    pub skipped_pattern: Option<(String, String)>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.length.is_none() && self.range.is_none() && self.pattern.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct PatternDef {
    /// Rust static name (`KMS_KEY_ID_PATTERN`).
    pub ident: String,
    pub source: String,
    /// The automaton, when the pattern is in the compiled subset.
    pub compiled: Option<Compiled>,
    /// Otherwise the ECMAScript engine runs it, with these regress flags.
    pub flags: &'static str,
}

impl PatternDef {
    /// How the pattern is checked (`None`: by the ECMAScript engine).
    pub fn matcher(&self) -> Option<&Matcher> {
        self.compiled.as_ref().map(|c| &c.matcher)
    }
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub id: ShapeId,
    pub path: TypePath,
    pub docs: Option<Docs>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub ident: String,
    pub value: String,
    pub docs: Option<Docs>,
}

/// A pattern's regress flags and automaton (when in the compiled subset) with the lengths it
/// admits, or why it is not checked.
type PatternCheck = std::result::Result<(&'static str, Option<Compiled>), String>;

/// A pattern compiled to an automaton.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub matcher: Matcher,
    /// The shortest and longest (`None`: unbounded) value the automaton admits
    /// ([`crate::automaton::length_bounds`]).
    pub length_bounds: (usize, Option<usize>),
}

/// How a compiled pattern is checked.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Straight code over the value: the pattern is a sequence ([`crate::scan`]).
    Scan(crate::scan::Scan),
    /// Tables the runtime's automaton runs.
    Automaton(Box<crate::automaton::Tables>),
    /// A pattern with lookarounds at the value's start or end, taken apart
    /// ([`crate::lookaround`]): its main part and each lookaround checked on their own.
    Lookaround(Box<Lookaround>),
}

/// The parts of a pattern with lookarounds (each a [`Matcher::Scan`] or an automaton).
#[derive(Debug, Clone)]
pub struct Lookaround {
    /// The pattern without its lookarounds.
    pub main: Part,
    pub conditions: Vec<LookaroundCheck>,
}

/// A pattern's part, as text and compiled.
#[derive(Debug, Clone)]
pub struct Part {
    pub source: String,
    pub matcher: Matcher,
}

/// One lookaround: the value must (or, `negated`, must not) match `part`, a pattern over its
/// prefixes (a lookahead) or suffixes (a lookbehind).
#[derive(Debug, Clone)]
pub struct LookaroundCheck {
    /// As the model writes it (`(?!^[0-9]+$)`).
    pub text: String,
    pub behind: bool,
    pub negated: bool,
    pub part: Part,
}

impl Matcher {
    /// Whether `value` matches, as the generated code decides it (for tests and tools).
    pub fn is_match(&self, value: &str) -> bool {
        match self {
            Matcher::Scan(scan) => scan.is_match(value),
            Matcher::Automaton(tables) => tables.is_match(value),
            Matcher::Lookaround(look) => {
                look.main.matcher.is_match(value)
                    && look
                        .conditions
                        .iter()
                        .all(|c| c.part.matcher.is_match(value) != c.negated)
            }
        }
    }

    /// Whether the generated static is the runtime's `Scan`: straight code, or a pattern taken
    /// apart at its lookarounds (straight code over its parts).
    pub fn is_scan(&self) -> bool {
        matches!(self, Matcher::Scan(_) | Matcher::Lookaround(_))
    }

    /// This matcher and, for a pattern taken apart at its lookarounds, its parts' matchers.
    pub fn all(&self) -> Vec<&Matcher> {
        let mut out = vec![self];
        if let Matcher::Lookaround(look) = self {
            out.push(&look.main.matcher);
            out.extend(look.conditions.iter().map(|c| &c.part.matcher));
        }
        out
    }
}

/// Smithy patterns are ECMA-262: patterns valid in Unicode mode are compiled to automata where
/// the subset allows and otherwise run by the ECMAScript engine; patterns that cannot mean what
/// the model author meant (Java-only syntax, UTF-16 surrogate escapes) are not checked, so a
/// validator never rejects valid input.
fn check_pattern(source: &str) -> PatternCheck {
    if has_surrogate_escape(source) {
        return Err(
            "it uses UTF-16 surrogate escapes, which have no meaning on Unicode scalar values"
                .into(),
        );
    }
    if regress::Regex::with_flags(source, "u").is_ok() {
        Ok(("u", compile_pattern(source)))
    } else if source.contains("\\p{") || source.contains("\\P{") {
        Err(
            "it uses a Java-only character class (`\\p{..}` is not an ECMA-262 property here)"
                .into(),
        )
    } else if regress::Regex::new(source).is_ok() {
        Ok(("", None))
    } else {
        Err("it is not a valid ECMA-262 regular expression".into())
    }
}

/// A pattern valid in Unicode mode, compiled where the subset allows: taken apart at its
/// lookarounds if it has some, each part as straight code where it reads as a sequence, else as
/// an automaton.
pub(crate) fn compile_pattern(source: &str) -> Option<Compiled> {
    let node = crate::automaton::parse_with_lookarounds(source).ok()?;
    if !crate::lookaround::has_lookaround(&node) {
        return compile_part(node);
    }
    let split = crate::lookaround::split(source, node).ok()?;
    let main = compile_part(split.main.1)?;
    let conditions = split
        .conditions
        .into_iter()
        .map(|c| {
            Some(LookaroundCheck {
                part: Part {
                    source: c.pattern.0,
                    matcher: compile_part(c.pattern.1)?.matcher,
                },
                text: c.text,
                behind: c.behind,
                negated: c.negated,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Compiled {
        // The lookarounds only narrow what the main part admits.
        length_bounds: main.length_bounds,
        matcher: Matcher::Lookaround(Box::new(Lookaround {
            main: Part {
                source: split.main.0,
                matcher: main.matcher,
            },
            conditions,
        })),
    })
}

fn compile_part(node: crate::automaton::Node) -> Option<Compiled> {
    if let Some(scan) = crate::scan::plan_node(&node) {
        return Some(Compiled {
            length_bounds: scan.length_bounds(),
            matcher: Matcher::Scan(scan),
        });
    }
    let tables = crate::automaton::compile_node(node).ok()?;
    Some(Compiled {
        length_bounds: crate::automaton::length_bounds(&tables),
        matcher: Matcher::Automaton(Box::new(tables)),
    })
}

/// Checks every `@pattern` the selected shapes and their members carry, spread over the
/// available cores: compiling automata is the costliest part of building the IR, and patterns
/// are independent. (A few may go unused: members outside any input are not validated.)
fn prepare_patterns(model: &Model, selection: &Selection) -> BTreeMap<String, PatternCheck> {
    let mut sources = BTreeSet::new();
    for id in &selection.shapes {
        let shape = model.expect(id);
        sources.extend(shape.traits.pattern.as_deref());
        let members: &[Member] = match &shape.kind {
            ShapeKind::Structure(members) | ShapeKind::Union(members) => members,
            ShapeKind::List(member) => std::slice::from_ref(&**member),
            _ => &[],
        };
        sources.extend(members.iter().filter_map(|m| m.traits.pattern.as_deref()));
        if let ShapeKind::Map { key, value } = &shape.kind {
            sources.extend(key.traits.pattern.as_deref());
            sources.extend(value.traits.pattern.as_deref());
        }
    }
    // The costliest first, so that the threads finish together: automata grow with their
    // counted repetitions (`{1,255}`, `{0,2048}`), which dominate the compile time.
    let mut sources: Vec<&str> = sources.into_iter().collect();
    sources.sort_by_key(|source| std::cmp::Reverse(repetition_bounds(source)));
    let checks = crate::pool::map(&sources, |source| check_pattern(source));
    // A pattern whose thread panicked is checked when it is met.
    sources
        .into_iter()
        .zip(checks)
        .filter_map(|(source, check)| Some((source.to_string(), check?)))
        .collect()
}

/// The sum of the numbers in a pattern's `{m,n}` quantifiers: a rough measure of its
/// automaton's size.
fn repetition_bounds(source: &str) -> usize {
    source
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .flat_map(|(inside, _)| inside.split(','))
        .filter_map(|n| n.trim().parse::<usize>().ok())
        .fold(0, usize::saturating_add)
}

/// The IR of the selected shapes, every Rust name resolved, without the endpoint rules: those
/// bind to the IR's input structures, so [`crate::Generator::build_ir`] builds them from it and
/// returns the finished IR, which no later stage changes.
pub fn build(model: &Model, selection: &Selection) -> Result<Crate> {
    Builder::new(model, selection).build()
}

struct Builder<'m> {
    model: &'m Model,
    selection: &'m Selection,
    /// Where each structure, union and enum lives.
    paths: BTreeMap<ShapeId, TypePath>,
    patterns: Vec<PatternDef>,
    skipped_patterns: BTreeSet<String>,
    /// Every pattern of the selection, checked and compiled ahead (see [`prepare_patterns`]).
    prepared: BTreeMap<String, PatternCheck>,
    warnings: Vec<String>,
    /// Names derived from shapes and operations, by `<kind>:<shape id>` (see `place_types`).
    derived: BTreeMap<String, String>,
    /// Whether the member being typed is checked by validators (reachable from an input):
    /// only then are its collections' element constraints, and their patterns, recorded.
    validating: bool,
    /// The service's protocol honours `@jsonName` (restJson1 does, awsJson does not).
    json_names: bool,
}

impl<'m> Builder<'m> {
    fn new(model: &'m Model, selection: &'m Selection) -> Self {
        Builder {
            model,
            selection,
            paths: BTreeMap::new(),
            patterns: Vec::new(),
            skipped_patterns: BTreeSet::new(),
            prepared: prepare_patterns(model, selection),
            // The loader's notes on what it tolerated come first.
            warnings: model.warnings.clone(),
            derived: BTreeMap::new(),
            validating: false,
            json_names: model
                .shape(&selection.service)
                .and_then(Protocol::of)
                .is_some_and(|p| p == Protocol::RestJson1),
        }
    }

    fn shape(&self, id: &ShapeId) -> &'m Shape {
        self.model.expect(id)
    }

    fn build(mut self) -> Result<Crate> {
        let service_shape = self.shape(&self.selection.service);
        let service = self.service(service_shape)?;
        self.place_types()?;

        let mut operations = Vec::new();
        for op_id in &self.selection.operations {
            operations.push(self.operation(op_id)?);
        }

        let (inputs, outputs, errors) = self.io_roots();
        let validated = self.closure(inputs);
        let in_output = self.closure_of(outputs.clone(), true);
        let deserialized = self.closure(outputs.into_iter().chain(errors).collect());
        let mut structures = Vec::new();
        let mut enums = Vec::new();
        let mut unions = Vec::new();
        let mut int_enums = Vec::new();
        for id in &self.selection.shapes {
            let shape = self.shape(id);
            match &shape.kind {
                ShapeKind::Structure(members) => {
                    let mut s = self.structure(shape, members, validated.contains(id))?;
                    s.deserialized = deserialized.contains(id);
                    s.in_output = in_output.contains(id);
                    structures.push(s);
                }
                ShapeKind::Enum(members) => enums.push(self.enumeration(shape, members)?),
                ShapeKind::IntEnum(members) => {
                    int_enums.push(self.int_enumeration(shape, members)?)
                }
                ShapeKind::Union(members) => {
                    let mut u = self.union(shape, members, validated.contains(id))?;
                    u.deserialized = deserialized.contains(id);
                    u.in_output = in_output.contains(id);
                    unions.push(u);
                }
                _ => {}
            }
        }
        // An input's event stream is sent: `InputEvents`, empty unless set.
        for op in &operations {
            let input = structures.iter_mut().find(|s| s.path == op.input);
            for field in input.into_iter().flat_map(|s| s.fields.iter_mut()) {
                if let Type::EventStream { events, .. } = &field.ty {
                    field.ty = Type::InputEvents(events.clone());
                    field.optional = false;
                    field.required = false;
                    field.default = Some(Value::String(String::new()));
                }
            }
        }
        // An output's event stream fails with its operation's error enum.
        for op in &operations {
            let error = TypePath {
                module: op.output.module.clone(),
                name: op.error_enum.clone(),
            };
            let output = structures.iter_mut().find(|s| s.path == op.output);
            for field in output.into_iter().flat_map(|s| s.fields.iter_mut()) {
                if let Type::EventStream { error: e, .. } = &mut field.ty {
                    *e = error.clone();
                }
            }
        }
        for op in &operations {
            for (suffix, kind) in [("Input", StructKind::Input), ("Output", StructKind::Output)] {
                let id = synthetic_id(&op.id, suffix);
                if let Some(path) = self.paths.get(&id) {
                    structures.push(Structure {
                        builder: self.derived("builder", &id),
                        id,
                        path: path.clone(),
                        docs: Some(Docs::new(if kind == StructKind::Input {
                            format!("{} takes no input.", op.name)
                        } else {
                            format!("{} returns no output.", op.name)
                        })),
                        kind,
                        fields: Vec::new(),
                        validated: kind == StructKind::Input,
                        deserialized: kind == StructKind::Output,
                        in_output: kind == StructKind::Output,
                        sensitive: false,
                    });
                }
            }
        }
        // Waiter methods share the client: a snake-case name already used gets `_2`, `_3`, …
        let mut waiter_methods: BTreeSet<String> = BTreeSet::new();
        for op in &mut operations {
            let shape = self.shape(&op.id);
            op.paginator = paginator(shape, service_shape, op, &structures)?;
            if let Some(paginator) = &mut op.paginator {
                paginator.name = self.derived("paginator", &op.id);
            }
            op.waiters = waiters(shape)?;
            for waiter in &mut op.waiters {
                waiter.type_name = self.derived(&format!("waiter:{}", waiter.name), &op.id);
                let base = waiter.snake.clone();
                let mut n = 1;
                while !waiter_methods.insert(waiter.snake.clone()) {
                    n += 1;
                    waiter.snake = format!("{base}_{n}");
                }
            }
        }
        Ok(Crate {
            package: service_package(service_shape),
            service,
            operations,
            structures,
            enums,
            unions,
            int_enums,
            patterns: self.patterns,
            skipped_patterns: self.skipped_patterns,
            warnings: self.warnings,
            endpoints: None,
            source: None,
        })
    }

    fn service(&self, shape: &Shape) -> Result<Service> {
        let raw = &shape.traits.raw;
        let protocol = if let Some(protocol) = Protocol::of(shape) {
            protocol
        } else {
            let found: Vec<&str> = raw
                .keys()
                .filter(|k| k.starts_with("aws.protocols#"))
                .map(String::as_str)
                .collect();
            return Err(Error::Unsupported {
                shape: shape.id.to_string(),
                reason: format!(
                    "the service's protocol is {}; only aws.protocols#awsJson1_1, aws.protocols#awsJson1_0 and aws.protocols#restJson1 are supported",
                    if found.is_empty() {
                        "not declared".to_string()
                    } else {
                        found.join(", ")
                    }
                ),
            });
        };
        let ShapeKind::Service(svc) = &shape.kind else {
            unreachable!("selection.service is a service")
        };
        let traits = &shape.traits;
        let endpoint_prefix = traits
            .aws_service
            .as_ref()
            .and_then(|s| s.endpoint_prefix.clone())
            .unwrap_or_else(|| shape.id.name().to_ascii_lowercase());
        Ok(Service {
            id: shape.id.clone(),
            title: traits
                .title
                .clone()
                .or_else(|| traits.aws_service.as_ref().map(|s| s.sdk_id.clone()))
                .unwrap_or_else(|| shape.id.name().to_string()),
            docs: traits.documentation.clone().map(Docs::new),
            version: svc.version.clone(),
            target_prefix: shape.id.name().to_string(),
            signing_name: traits
                .sigv4
                .as_ref()
                .map_or_else(|| endpoint_prefix.clone(), |s| s.name.clone()),
            endpoint_prefix,
            protocol,
            query_compatible: raw.contains_key("aws.protocols#awsQueryCompatible"),
        })
    }

    /// Decides the module and Rust name of every generated type. No model makes two items
    /// collide: names are given in a fixed order, the model's shapes first (by shape id), then
    /// the names derived from operations (the stand-ins for `Unit` inputs and outputs, error
    /// enums, fluent builders, paginators, waiters), then every structure's builder; a name
    /// already given in its module gets the first free numeric suffix (`AppBlockBuilder2`
    /// when a shape is itself named `AppBlockBuilder`).
    fn place_types(&mut self) -> Result<()> {
        let mut io_of: BTreeMap<ShapeId, String> = BTreeMap::new();
        for op_id in &self.selection.operations {
            let ShapeKind::Operation(op) = &self.shape(op_id).kind else {
                continue;
            };
            for io in [&op.input, &op.output] {
                // An input/output used only by this operation lives in the operation's module.
                if self.selection.references.get(io) == Some(&1) {
                    io_of.insert(io.clone(), naming::snake(op_id.name()));
                }
            }
        }
        let mut taken: BTreeSet<(Module, String)> = BTreeSet::new();
        let mut free = |module: &Module, name: String| -> String {
            let mut candidate = name.clone();
            let mut n = 1;
            while !taken.insert((module.clone(), candidate.clone())) {
                n += 1;
                candidate = format!("{name}{n}");
            }
            candidate
        };
        let mut structures = Vec::new();
        for id in &self.selection.shapes {
            let shape = self.shape(id);
            let module = match &shape.kind {
                ShapeKind::Structure(_) if shape.traits.error.is_some() => Module::Error,
                ShapeKind::Structure(_) => match io_of.get(id) {
                    Some(op) => Module::Operation(op.clone()),
                    None => Module::Types,
                },
                ShapeKind::Enum(_) | ShapeKind::IntEnum(_) | ShapeKind::Union(_) => Module::Types,
                ShapeKind::Simple(Simple::BigInteger | Simple::BigDecimal) => {
                    return Err(Error::Unsupported {
                        shape: id.to_string(),
                        reason: "bigInteger and bigDecimal shapes are not generated yet".into(),
                    });
                }
                ShapeKind::Simple(_) | ShapeKind::List(_) | ShapeKind::Map { .. } => continue,
                other => {
                    return Err(Error::Unsupported {
                        shape: id.to_string(),
                        reason: format!("a {} shape cannot be used as data", other.type_name()),
                    });
                }
            };
            let name = free(&module, naming::type_name(id.name()));
            if matches!(shape.kind, ShapeKind::Structure(_)) {
                structures.push(id.clone());
            }
            self.paths.insert(id.clone(), TypePath { module, name });
        }
        for op_id in &self.selection.operations {
            let module = Module::Operation(naming::snake(op_id.name()));
            let op_shape = self.shape(op_id);
            let type_name = naming::type_name(op_id.name());
            let ShapeKind::Operation(op) = &op_shape.kind else {
                continue;
            };
            // `Unit` input or output: an empty structure `<Op>Input` / `<Op>Output` stands in.
            for (target, suffix) in [(&op.input, "Input"), (&op.output, "Output")] {
                if target.as_str() == crate::model::UNIT {
                    let id = synthetic_id(op_id, suffix);
                    let name = free(&module, format!("{type_name}{suffix}"));
                    structures.push(id.clone());
                    self.paths.insert(
                        id,
                        TypePath {
                            module: module.clone(),
                            name,
                        },
                    );
                }
            }
            let mut derive = |kind: &str, name: String| {
                let given = free(&module, name);
                self.derived.insert(format!("{kind}:{op_id}"), given);
            };
            derive("error", error_enum_name(op_id.name()));
            derive("fluent", format!("{type_name}FluentBuilder"));
            if op_shape.traits.paginated.is_some() {
                derive("paginator", paginator_name(op_id.name()));
            }
            for waiter in op_shape.traits.waitable.iter().flat_map(|w| w.keys()) {
                derive(&format!("waiter:{waiter}"), waiter_name(waiter));
            }
        }
        // Builders live in their module's `builders`, apart from every shape.
        for id in structures {
            let path = &self.paths[&id];
            let builders = Module::Builders(Box::new(path.module.clone()));
            let builder = free(&builders, format!("{}Builder", path.name));
            self.derived.insert(format!("builder:{id}"), builder);
        }
        Ok(())
    }

    /// A name [`Builder::place_types`] gave.
    fn derived(&self, kind: &str, id: &ShapeId) -> String {
        match self.derived.get(&format!("{kind}:{id}")) {
            Some(name) => name.clone(),
            None => unreachable!("place_types names every {kind} of the selection ({id})"),
        }
    }

    /// The event-stream unions some selected operation's input holds (streams the client
    /// sends).
    fn sent_streams(&self) -> BTreeSet<ShapeId> {
        let mut sent = BTreeSet::new();
        for op_id in &self.selection.operations {
            let ShapeKind::Operation(op) = &self.shape(op_id).kind else {
                continue;
            };
            if op.input.as_str() == crate::model::UNIT {
                continue;
            }
            let ShapeKind::Structure(members) = &self.shape(&op.input).kind else {
                continue;
            };
            for member in members {
                let target = self.shape(&member.target);
                if target.traits.raw.contains_key("smithy.api#streaming")
                    && matches!(target.kind, ShapeKind::Union(_))
                {
                    sent.insert(member.target.clone());
                }
            }
        }
        sent
    }

    /// The `@error` members of the event stream that `output` holds, if it holds one.
    fn stream_errors(&self, output: &ShapeId) -> Vec<ShapeId> {
        let ShapeKind::Structure(members) = &self.shape(output).kind else {
            return Vec::new();
        };
        members
            .iter()
            .map(|m| self.shape(&m.target))
            .filter(|t| t.traits.raw.contains_key("smithy.api#streaming"))
            .filter_map(|t| match &t.kind {
                ShapeKind::Union(events) => Some(events),
                _ => None,
            })
            .flatten()
            .filter(|m| self.shape(&m.target).traits.error.is_some())
            .map(|m| m.target.clone())
            .collect()
    }

    fn operation(&self, id: &ShapeId) -> Result<Operation> {
        let shape = self.shape(id);
        let ShapeKind::Operation(op) = &shape.kind else {
            unreachable!("selection.operations are operations")
        };
        let io_path = |target: &ShapeId, suffix: &str| -> Result<TypePath> {
            if target.as_str() == crate::model::UNIT {
                return Ok(self.paths[&synthetic_id(id, suffix)].clone());
            }
            self.paths.get(target).cloned().ok_or_else(|| Error::Unsupported {
                shape: id.to_string(),
                reason: format!(
                    "operations whose input or output is `{target}` (not a structure) are not supported yet"
                ),
            })
        };
        let mut errors = Vec::new();
        let service_shape = self.shape(&self.selection.service);
        let ShapeKind::Service(svc) = &service_shape.kind else {
            unreachable!("selection.service is a service")
        };
        let rest = Protocol::of(service_shape).is_some_and(Protocol::is_rest);
        let mut seen = BTreeSet::new();
        // A modeled exception of the output's event stream is an error of the operation.
        let stream_errors = self.stream_errors(&op.output);
        for error_id in op.errors.iter().chain(&svc.errors).chain(&stream_errors) {
            if !seen.insert(error_id) {
                continue;
            }
            let error = self.shape(error_id);
            let Some(fault) = error.traits.error else {
                return Err(Error::Unsupported {
                    shape: error_id.to_string(),
                    reason: format!("listed as an error of `{id}` but has no @error trait"),
                });
            };
            errors.push(ErrorRef {
                code: error_id.name().to_string(),
                ty: self.paths[error_id].clone(),
                fault,
                retryable: error.traits.retryable,
                query_code: error
                    .traits
                    .aws_query_error
                    .as_ref()
                    .map(|q| q.code.clone()),
                docs: error.traits.documentation.clone().map(Docs::new),
                http: if rest {
                    Some(crate::http::error(self.model, error)?)
                } else {
                    None
                },
            });
        }
        let http = if rest {
            let io = |target: &ShapeId| {
                (target.as_str() != crate::model::UNIT).then(|| self.shape(target))
            };
            let http = crate::http::operation(self.model, shape, io(&op.input), io(&op.output))?;
            Some(http.ok_or_else(|| Error::Unsupported {
                shape: id.to_string(),
                reason: "a restJson1 operation needs an @http trait (method and URI)".into(),
            })?)
        } else {
            None
        };
        Ok(Operation {
            id: id.clone(),
            name: id.name().to_string(),
            snake: naming::snake(id.name()),
            docs: shape.traits.documentation.clone().map(Docs::new),
            input: io_path(&op.input, "Input")?,
            output: io_path(&op.output, "Output")?,
            error_enum: self.derived("error", id),
            fluent_builder: self.derived("fluent", id),
            errors,
            idempotent: shape.traits.idempotent,
            host_prefix: self.host_prefix(shape, &op.input)?,
            gzip: shape
                .traits
                .request_compression
                .as_ref()
                .is_some_and(|c| c.encodings.iter().any(|e| e == "gzip")),
            content_md5: shape
                .traits
                .raw
                .contains_key("smithy.api#httpChecksumRequired"),
            paginator: None,
            waiters: Vec::new(),
            auth: self.auth(service_shape, shape)?,
            customizations: crate::customize::operation(
                service_shape
                    .traits
                    .aws_service
                    .as_ref()
                    .map(|s| s.sdk_id.as_str()),
                &svc.version,
                http.as_ref(),
            ),
            http2: false,
            http,
            event_input: self.holds_event_stream(&op.input),
            event_output: self.holds_event_stream(&op.output),
        }
        .needing_http2_if(Protocol::event_streams_need_http2(service_shape)))
    }

    /// Whether the structure `io` (an operation's input or output) has a member targeting a
    /// `@streaming` union.
    fn holds_event_stream(&self, io: &ShapeId) -> bool {
        if io.as_str() == crate::model::UNIT {
            return false;
        }
        let ShapeKind::Structure(members) = &self.shape(io).kind else {
            return false;
        };
        members.iter().any(|m| {
            let target = self.shape(&m.target);
            matches!(target.kind, ShapeKind::Union(_))
                && target.traits.raw.contains_key("smithy.api#streaming")
        })
    }

    /// The operation's authentication (see [`Auth`]).
    fn auth(&self, service: &Shape, op: &Shape) -> Result<Auth> {
        const SIGV4: &str = "aws.auth#sigv4";
        const BEARER: &str = "smithy.api#httpBearerAuth";
        const KNOWN: [&str; 5] = [
            SIGV4,
            BEARER,
            "aws.auth#sigv4a",
            "smithy.api#httpBasicAuth",
            "smithy.api#httpApiKeyAuth",
        ];
        let listed = |shape: &Shape| -> Option<Vec<String>> {
            let list = shape.traits.raw.get("smithy.api#auth")?.as_array()?;
            Some(
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            )
        };
        let schemes = listed(op).or_else(|| listed(service)).unwrap_or_else(|| {
            // Every scheme trait of the service, in the order of their shape ids.
            let mut all: Vec<String> = (service.traits.raw.keys())
                .filter(|k| KNOWN.contains(&k.as_str()))
                .cloned()
                .collect();
            all.sort();
            all
        });
        if schemes.is_empty() {
            return Ok(Auth::Anonymous);
        }
        if op.traits.raw.contains_key("smithy.api#optionalAuth") {
            return Ok(Auth::Optional);
        }
        let sigv4 = schemes.iter().any(|s| s == SIGV4);
        let bearer = schemes.iter().any(|s| s == BEARER);
        match (sigv4, bearer) {
            (true, true) => Ok(Auth::SigV4OrBearer),
            (true, false) => Ok(Auth::SigV4),
            (false, true) => Ok(Auth::Bearer),
            (false, false) => Err(Error::Unsupported {
                shape: op.id.to_string(),
                reason: format!(
                    "its auth schemes ({}) include neither aws.auth#sigv4 nor smithy.api#httpBearerAuth",
                    schemes.join(", ")
                ),
            }),
        }
    }

    /// The operation's `@endpoint` host prefix, with each `{label}` bound to the input member
    /// carrying `@hostLabel`.
    fn host_prefix(&self, operation: &Shape, input: &ShapeId) -> Result<Option<HostPrefix>> {
        let Some(endpoint) = &operation.traits.endpoint else {
            return Ok(None);
        };
        let members = match &self.shape(input).kind {
            ShapeKind::Structure(members) => members.as_slice(),
            _ => &[],
        };
        let mut labels = Vec::new();
        let mut rest = endpoint.host_prefix.as_str();
        while let Some(start) = rest.find('{') {
            let end =
                rest[start..]
                    .find('}')
                    .map(|e| start + e)
                    .ok_or_else(|| Error::Unsupported {
                        shape: operation.id.to_string(),
                        reason: format!(
                            "hostPrefix {:?} has an unclosed label",
                            endpoint.host_prefix
                        ),
                    })?;
            let label = &rest[start + 1..end];
            let member = members
                .iter()
                .find(|m| m.name == label && m.traits.host_label)
                .ok_or_else(|| Error::Unsupported {
                    shape: operation.id.to_string(),
                    reason: format!(
                        "hostPrefix label {{{label}}} has no input member with @hostLabel"
                    ),
                })?;
            let optional = self.shape(input).traits.input || !member.traits.required;
            labels.push((label.to_string(), naming::snake(&member.name), optional));
            rest = &rest[end + 1..];
        }
        Ok(Some(HostPrefix {
            template: endpoint.host_prefix.clone(),
            labels,
        }))
    }

    /// The shapes requests start from (inputs), and those responses start from: outputs, and
    /// errors.
    fn io_roots(&self) -> (Vec<ShapeId>, Vec<ShapeId>, Vec<ShapeId>) {
        let ShapeKind::Service(svc) = &self.shape(&self.selection.service).kind else {
            unreachable!("selection.service is a service")
        };
        let (mut inputs, mut outputs, mut errors) = (Vec::new(), Vec::new(), svc.errors.clone());
        for op_id in &self.selection.operations {
            if let ShapeKind::Operation(op) = &self.shape(op_id).kind {
                inputs.push(op.input.clone());
                outputs.push(op.output.clone());
                errors.extend(op.errors.iter().cloned());
            }
        }
        (inputs, outputs, errors)
    }

    /// Every shape reachable from `roots` through members.
    fn closure(&self, roots: Vec<ShapeId>) -> BTreeSet<ShapeId> {
        self.closure_of(roots, false)
    }

    /// [`closure`](Self::closure), leaving out the exceptions of event streams when
    /// `without_stream_errors` (they are errors, not output the command line writes).
    fn closure_of(&self, roots: Vec<ShapeId>, without_stream_errors: bool) -> BTreeSet<ShapeId> {
        let mut seen = BTreeSet::new();
        let mut queue = roots;
        while let Some(id) = queue.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let shape = self.shape(&id);
            let stream = shape.traits.raw.contains_key("smithy.api#streaming");
            match &shape.kind {
                ShapeKind::Union(members) if stream && without_stream_errors => {
                    queue.extend(
                        members
                            .iter()
                            .filter(|m| self.shape(&m.target).traits.error.is_none())
                            .map(|m| m.target.clone()),
                    );
                }
                ShapeKind::Structure(members) | ShapeKind::Union(members) => {
                    queue.extend(members.iter().map(|m| m.target.clone()));
                }
                ShapeKind::List(member) => queue.push(member.target.clone()),
                ShapeKind::Map { key, value } => {
                    queue.push(key.target.clone());
                    queue.push(value.target.clone());
                }
                _ => {}
            }
        }
        seen
    }

    fn structure(
        &mut self,
        shape: &Shape,
        members: &[Member],
        validated: bool,
    ) -> Result<Structure> {
        let kind = if let Some(fault) = shape.traits.error {
            StructKind::Error(fault)
        } else if shape.traits.input {
            StructKind::Input
        } else if shape.traits.output {
            StructKind::Output
        } else {
            StructKind::Plain
        };
        let mut fields = Vec::new();
        // A field and its builder's `x`, `set_x` and `get_x` must not meet another member's,
        // nor the builder's own `build` (nor `send`, on an operation input's): a member whose
        // name would gets `_value` appended (CodeBuild's `StartBuildOutput$build` is
        // `build_value`), in model order, until nothing meets.
        let mut used: BTreeSet<String> = BTreeSet::from(["build".to_string()]);
        if kind == StructKind::Input {
            used.insert("send".to_string());
        }
        for member in members {
            let mut field = self.field(shape, member, kind == StructKind::Input, validated)?;
            let names = |ident: &str| {
                let bare = naming::bare(ident).to_string();
                [format!("set_{bare}"), format!("get_{bare}"), bare]
            };
            while names(&field.ident).iter().any(|n| used.contains(n)) {
                field.ident = format!("{}_value", naming::bare(&field.ident));
            }
            used.extend(names(&field.ident));
            fields.push(field);
        }
        Ok(Structure {
            id: shape.id.clone(),
            path: self.paths[&shape.id].clone(),
            builder: self.derived("builder", &shape.id),
            docs: shape.traits.documentation.clone().map(Docs::new),
            kind,
            fields,
            validated,
            deserialized: false,
            in_output: false,
            sensitive: shape.traits.sensitive,
        })
    }

    fn field(
        &mut self,
        owner: &Shape,
        member: &Member,
        in_input: bool,
        validated: bool,
    ) -> Result<Field> {
        let target = self.shape(&member.target);
        self.validating = validated;
        let ty = self.member_type(member, &format!("{}${}", owner.id, member.name))?;
        let required = member.traits.required;
        let default = member
            .traits
            .default
            .clone()
            .or_else(|| target.traits.default.clone())
            .filter(|v| !v.is_null());
        // Smithy 2.0: inputs, `@clientOptional` and members neither required nor defaulted are
        // optional in the client.
        let optional =
            in_input || member.traits.client_optional || !(required || default.is_some());
        // A stream is never absent: an unset one is empty (as the Smithy spec's `@default("")`
        // on streaming members says).
        let (optional, required, default) = match ty {
            Type::ByteStream => (false, false, Some(Value::String(String::new()))),
            // The response always brings its event stream.
            Type::EventStream { .. } => (false, true, None),
            _ => (optional, required, default),
        };
        let place = format!("{}${}", owner.id, member.name);
        let constraints = if validated {
            self.constraints(&member.target, &member.traits, &place, &ty)
        } else {
            Constraints::default()
        };
        Ok(Field {
            wire: member.name.clone(),
            json_key: self.json_key(member),
            ident: naming::snake(&member.name),
            docs: member
                .traits
                .documentation
                .clone()
                .or_else(|| target.traits.documentation.clone())
                .map(Docs::new),
            sensitive: member.traits.sensitive || target.traits.sensitive,
            default: if optional { None } else { default },
            boxed: self.recursive(&member.target, &owner.id),
            ty,
            optional,
            required,
            constraints,
            idempotency_token: member.traits.idempotency_token,
            event: if member.traits.raw.contains_key("smithy.api#eventHeader") {
                Some(EventBinding::Header)
            } else if member.traits.raw.contains_key("smithy.api#eventPayload") {
                Some(EventBinding::Payload)
            } else {
                None
            },
        })
    }

    /// A member's key in a JSON body: its `@jsonName` if the protocol honours it.
    fn json_key(&self, member: &Member) -> String {
        match member.traits.raw.get("smithy.api#jsonName") {
            Some(Value::String(name)) if self.json_names => name.clone(),
            _ => member.name.clone(),
        }
    }

    /// The Rust path of a shape that has a generated type; `smithy.api#Unit` has none (only
    /// union members and operations may target it).
    fn path_of(&self, id: &ShapeId, place: &str) -> Result<TypePath> {
        self.paths.get(id).cloned().ok_or_else(|| Error::Unsupported {
            shape: place.to_string(),
            reason: format!(
                "targets `{id}`, which has no generated type (only union members and operations may target smithy.api#Unit)"
            ),
        })
    }

    /// A member's type: its target's, with the member's own `@timestampFormat` applied.
    fn member_type(&mut self, member: &Member, place: &str) -> Result<Type> {
        let ty = self.type_of(&member.target, place)?;
        Ok(match (ty, &member.traits.timestamp_format) {
            (Type::Timestamp(_), Some(format)) => {
                Type::Timestamp(TimestampFormat::from_trait(Some(format)))
            }
            (ty, _) => ty,
        })
    }

    /// Whether `target` contains `owner` again without a list or map in between, so a member
    /// of `owner` targeting it must be boxed.
    fn recursive(&self, target: &ShapeId, owner: &ShapeId) -> bool {
        let mut seen = BTreeSet::new();
        let mut queue = vec![target.clone()];
        while let Some(id) = queue.pop() {
            if &id == owner {
                return true;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            if let ShapeKind::Structure(members) | ShapeKind::Union(members) = &self.shape(&id).kind
            {
                queue.extend(members.iter().map(|m| m.target.clone()));
            }
        }
        false
    }

    fn type_of(&mut self, id: &ShapeId, place: &str) -> Result<Type> {
        let shape = self.shape(id);
        Ok(match &shape.kind {
            ShapeKind::Simple(simple) => match simple {
                Simple::String => Type::String,
                Simple::Boolean => Type::Bool,
                Simple::Byte => Type::Byte,
                Simple::Short => Type::Short,
                Simple::Integer => Type::Integer,
                Simple::Long => Type::Long,
                Simple::Float => Type::Float,
                Simple::Double => Type::Double,
                // A `@streaming` blob is read and sent in pieces (it is only ever an
                // `@httpPayload`, which the HTTP layer checks).
                Simple::Blob if shape.traits.raw.contains_key("smithy.api#streaming") => {
                    Type::ByteStream
                }
                Simple::Blob => Type::Blob,
                Simple::Timestamp => Type::Timestamp(TimestampFormat::from_trait(
                    shape.traits.timestamp_format.as_deref(),
                )),
                Simple::Document => Type::Document,
                other => {
                    return Err(Error::Unsupported {
                        shape: id.to_string(),
                        reason: format!(
                            "{other:?} members (used by `{place}`) are not generated yet"
                        ),
                    });
                }
            },
            ShapeKind::Enum(_) => Type::Enum(self.path_of(id, place)?),
            ShapeKind::IntEnum(_) => Type::IntEnum(self.path_of(id, place)?),
            ShapeKind::Union(_) if shape.traits.raw.contains_key("smithy.api#streaming") => {
                let events = self.path_of(id, place)?;
                // The operation's error is filled in once operations are known
                // (`Builder::build`).
                Type::EventStream {
                    error: events.clone(),
                    events,
                }
            }
            ShapeKind::Union(_) => Type::Union(self.path_of(id, place)?),
            ShapeKind::Structure(_) => Type::Struct(self.path_of(id, place)?),
            ShapeKind::List(member) => {
                let item_shape = self.shape(&member.target);
                let item_place = format!("{id}$member");
                let ty = self.member_type(member, &item_place)?;
                let constraints =
                    self.constraints(&member.target, &member.traits, &item_place, &ty);
                Type::List(Box::new(ListItem {
                    ty,
                    constraints,
                    sensitive: item_shape.traits.sensitive || member.traits.sensitive,
                    sparse: shape.traits.sparse,
                }))
            }
            ShapeKind::Map { key, value } => {
                let key_place = format!("{id}$key");
                let key_ty = self.type_of(&key.target, &key_place)?;
                if !matches!(key_ty, Type::String | Type::Enum(_)) {
                    return Err(Error::Unsupported {
                        shape: id.to_string(),
                        reason: "map keys must be strings or string enums".into(),
                    });
                }
                let key_constraints =
                    self.constraints(&key.target, &key.traits, &key_place, &key_ty);
                let value_place = format!("{id}$value");
                let value_ty = self.member_type(value, &value_place)?;
                let value_constraints =
                    self.constraints(&value.target, &value.traits, &value_place, &value_ty);
                Type::Map(Box::new(MapType {
                    key: key_ty,
                    key_constraints,
                    value: ListItem {
                        ty: value_ty,
                        constraints: value_constraints,
                        sensitive: self.shape(&value.target).traits.sensitive
                            || value.traits.sensitive,
                        sparse: shape.traits.sparse,
                    },
                }))
            }
            other => {
                return Err(Error::Unsupported {
                    shape: id.to_string(),
                    reason: format!(
                        "{} shapes (used by `{place}`) are not generated yet",
                        other.type_name()
                    ),
                });
            }
        })
    }

    /// A member's constraints: the target's traits, overridden by the member's own.
    fn constraints(
        &mut self,
        target_id: &ShapeId,
        member: &Traits,
        place: &str,
        ty: &Type,
    ) -> Constraints {
        if !self.validating {
            return Constraints::default();
        }
        let target = &self.shape(target_id).traits;
        let length = member.length.or(target.length);
        let range = member.range.or(target.range);
        // A pattern is named after where it is written: the member, else the target shape.
        let pattern = match (&member.pattern, &target.pattern) {
            (Some(source), _) => Some((source.clone(), place.to_string())),
            (None, Some(source)) => Some((source.clone(), target_id.to_string())),
            (None, None) => None,
        };
        let (pattern, skipped_pattern) = match (pattern, ty) {
            (Some((source, named_by)), Type::String) => match self.pattern(&source, &named_by) {
                Ok(index) => {
                    self.lint_pattern_length(&named_by, index, length);
                    (Some(index), None)
                }
                Err(reason) => (None, Some((source, reason))),
            },
            _ => (None, None),
        };
        Constraints {
            length,
            range,
            pattern,
            skipped_pattern,
        }
    }

    /// Registers a pattern check (see [`check_pattern`]), or warns and returns why the
    /// pattern is not checked.
    fn pattern(&mut self, source: &str, place: &str) -> Result<usize, String> {
        if let Some(i) = self.patterns.iter().position(|p| p.source == source) {
            return Ok(i);
        }
        // A compiled pattern is registered below (and found above next time); a skipped one
        // stays prepared for the next member that carries it.
        let check = match self.prepared.remove(source) {
            Some(Err(reason)) => {
                self.prepared
                    .insert(source.to_string(), Err(reason.clone()));
                Err(reason)
            }
            Some(check) => check,
            None => check_pattern(source),
        };
        let (flags, compiled) = match check {
            Ok(checked) => checked,
            Err(reason) => {
                self.skipped_patterns.insert(source.to_string());
                self.warn(format!(
                    "{place}: pattern {source:?} is not checked: {reason}"
                ));
                return Err(reason);
            }
        };
        let stem = place.rsplit(['#', '$']).next().unwrap_or(place);
        let mut ident = format!(
            "{}_PATTERN",
            heck::ToShoutySnakeCase::to_shouty_snake_case(stem)
        );
        if self.patterns.iter().any(|p| p.ident == ident) {
            ident = format!("{}_{}", ident, self.patterns.len());
        }
        self.patterns.push(PatternDef {
            ident,
            source: source.to_string(),
            compiled,
            flags,
        });
        Ok(self.patterns.len() - 1)
    }

    /// Records a warning once.
    fn warn(&mut self, warning: String) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Warns when a pattern admits lengths its member's `@length` forbids.
    fn lint_pattern_length(&mut self, place: &str, pattern: usize, length: Option<Bounds>) {
        let (Some(length), Some(compiled)) = (length, &self.patterns[pattern].compiled) else {
            return;
        };
        let (shortest, longest) = compiled.length_bounds;
        let source = self.patterns[pattern].source.clone();
        let mut problems = Vec::new();
        if let Some(min) = length.min.filter(|&min| (shortest as f64) < min) {
            let example = if shortest == 0 {
                "\"\"".to_string()
            } else {
                format!("{shortest} characters")
            };
            problems.push(format!("admits {example}, below @length min {min}"));
        }
        if let (Some(max), Some(longest)) = (length.max, longest)
            && longest as f64 > max
        {
            problems.push(format!(
                "admits {longest} characters, above @length max {max}"
            ));
        }
        for problem in problems {
            let warning = format!("{place}: pattern {source:?} {problem}");
            self.warn(warning);
        }
    }

    fn union(&mut self, shape: &Shape, members: &[Member], validated: bool) -> Result<Union> {
        let mut variants = Vec::new();
        let mut idents = BTreeSet::new();
        let event_stream = shape.traits.raw.contains_key("smithy.api#streaming");
        let mut errors = Vec::new();
        let sent = event_stream && self.sent_streams().contains(&shape.id);
        for member in members {
            if event_stream && self.shape(&member.target).traits.error.is_some() {
                errors.push((member.name.clone(), self.paths[&member.target].clone()));
                if !sent {
                    continue;
                }
            }
            let place = format!("{}${}", shape.id, member.name);
            self.validating = validated;
            let ty = if member.target.as_str() == crate::model::UNIT {
                None
            } else {
                Some(self.member_type(member, &place)?)
            };
            let ident = unique_variant(naming::variant(&member.name), &mut idents);
            let target = self.shape(&member.target);
            let constraints = match (&ty, validated) {
                (Some(ty), true) => self.constraints(&member.target, &member.traits, &place, ty),
                _ => Constraints::default(),
            };
            variants.push(UnionVariant {
                wire: member.name.clone(),
                json_key: self.json_key(member),
                ident,
                docs: member
                    .traits
                    .documentation
                    .clone()
                    .or_else(|| target.traits.documentation.clone())
                    .map(Docs::new),
                boxed: ty.is_some() && self.recursive(&member.target, &shape.id),
                sensitive: member.traits.sensitive || target.traits.sensitive,
                ty,
                constraints,
            });
        }
        Ok(Union {
            id: shape.id.clone(),
            path: self.paths[&shape.id].clone(),
            docs: shape.traits.documentation.clone().map(Docs::new),
            variants,
            event_stream,
            errors,
            validated,
            deserialized: false,
            in_output: false,
        })
    }

    fn int_enumeration(&self, shape: &Shape, members: &[Member]) -> Result<IntEnum> {
        let mut variants = Vec::new();
        let mut idents = BTreeSet::new();
        for member in members {
            let value = member
                .traits
                .enum_value
                .as_ref()
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| Error::Unsupported {
                    shape: format!("{}${}", shape.id, member.name),
                    reason: "an intEnum member needs an integer @enumValue".into(),
                })?;
            let ident = unique_variant(naming::variant(&member.name), &mut idents);
            variants.push(IntVariant {
                ident,
                value,
                docs: member.traits.documentation.clone().map(Docs::new),
            });
        }
        Ok(IntEnum {
            id: shape.id.clone(),
            path: self.paths[&shape.id].clone(),
            docs: shape.traits.documentation.clone().map(Docs::new),
            variants,
        })
    }

    fn enumeration(&self, shape: &Shape, members: &[Member]) -> Result<Enum> {
        let mut variants = Vec::new();
        let mut idents = BTreeSet::new();
        for member in members {
            let value = match &member.traits.enum_value {
                Some(Value::String(s)) => s.clone(),
                None => member.name.clone(),
                Some(other) => {
                    return Err(Error::Unsupported {
                        shape: format!("{}${}", shape.id, member.name),
                        reason: format!("enumValue {other} is not a string"),
                    });
                }
            };
            let ident = unique_variant(naming::variant(&member.name), &mut idents);
            variants.push(Variant {
                ident,
                value,
                docs: member.traits.documentation.clone().map(Docs::new),
            });
        }
        Ok(Enum {
            id: shape.id.clone(),
            path: self.paths[&shape.id].clone(),
            docs: shape.traits.documentation.clone().map(Docs::new),
            variants,
        })
    }
}

/// The operation's `@paginated` settings (the service's fill in what it leaves out), checked
/// against its input and output.
fn paginator(
    shape: &Shape,
    service: &Shape,
    op: &Operation,
    structures: &[Structure],
) -> Result<Option<Paginator>> {
    let Some(own) = &shape.traits.paginated else {
        return Ok(None);
    };
    let settings = own.or(service.traits.paginated.as_ref());
    let fail = |reason: String| Error::Unsupported {
        shape: shape.id.to_string(),
        reason: format!("@paginated: {reason}"),
    };
    let (Some(input_token), Some(output_token)) = (&settings.input_token, &settings.output_token)
    else {
        return Err(fail(
            "inputToken and outputToken are required (on the operation or the service)".into(),
        ));
    };
    let input = structure_at(structures, &op.input);
    let output = structure_at(structures, &op.output);
    let top = |name: &str, what: &str| -> Result<&Field> {
        input
            .fields
            .iter()
            .find(|f| f.wire == name)
            .ok_or_else(|| fail(format!("{what} `{name}` is not a member of the input")))
    };
    let input_field = top(input_token, "inputToken")?;
    let (output_token_path, output_ty) = member_path(structures, output, output_token)
        .map_err(|e| fail(format!("outputToken `{output_token}`: {e}")))?;
    // Compared as Rust types: constraints (checked on inputs only) do not matter here.
    if !output_ty.same_rust_type(&input_field.ty) {
        return Err(fail(format!(
            "inputToken `{input_token}` and outputToken `{output_token}` have different types"
        )));
    }
    let page_size = match &settings.page_size {
        Some(name) => {
            let field = top(name, "pageSize")?;
            if !matches!(
                field.ty,
                Type::Byte | Type::Short | Type::Integer | Type::Long
            ) {
                return Err(fail(format!("pageSize `{name}` is not an integer member")));
            }
            Some((field.ident.clone(), field.ty.clone()))
        }
        None => None,
    };
    let items = match &settings.items {
        Some(path) => {
            let (steps, ty) = member_path(structures, output, path)
                .map_err(|e| fail(format!("items `{path}`: {e}")))?;
            if !matches!(ty, Type::List(_) | Type::Map(_)) {
                return Err(fail(format!("items `{path}` is not a list or map")));
            }
            Some((steps, ty))
        }
        None => None,
    };
    Ok(Some(Paginator {
        name: paginator_name(&op.name),
        input_token: input_field.ident.clone(),
        input_token_wire: input_field.wire.clone(),
        page_size_wire: settings.page_size.clone(),
        token_can_be_empty: matches!(output_ty, Type::String | Type::List(_) | Type::Map(_)),
        token_ty: output_ty,
        output_token: output_token_path,
        page_size,
        items,
    }))
}

/// A variant name not yet in `taken`: `name`, else `name2`, `name3`, … (members whose names
/// differ only in case or underscores, `IN_PROGRESS` and `InProgress`).
fn unique_variant(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{name}{n}");
    }
    candidate
}

/// An operation's error enum (`CompareFacesError`).
fn error_enum_name(operation: &str) -> String {
    format!("{}Error", naming::type_name(operation))
}

/// An operation's paginator type (`ListFacesPaginator`).
fn paginator_name(operation: &str) -> String {
    format!("{}Paginator", naming::type_name(operation))
}

/// A waiter's type (`ProjectVersionRunningWaiter`).
fn waiter_name(waiter: &str) -> String {
    format!("{}Waiter", naming::type_name(waiter))
}

/// The structure at `path` among `structures` (the IR's, before the crate is assembled).
fn find_structure<'s>(structures: &'s [Structure], path: &TypePath) -> Option<&'s Structure> {
    structures.iter().find(|s| &s.path == path)
}

fn structure_at<'s>(structures: &'s [Structure], path: &TypePath) -> &'s Structure {
    match find_structure(structures, path) {
        Some(s) => s,
        None => unreachable!("operation inputs and outputs are generated structures"),
    }
}

/// Follows `a.b.c` through structure members: the Rust fields along the way and the last
/// member's type.
fn member_path(
    structures: &[Structure],
    root: &Structure,
    path: &str,
) -> std::result::Result<(Vec<PathStep>, Type), String> {
    let mut current = root;
    let mut steps = Vec::new();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let field = current
            .fields
            .iter()
            .find(|f| f.wire == *segment)
            .ok_or_else(|| format!("`{}` has no member `{segment}`", current.id))?;
        steps.push(PathStep {
            ident: field.ident.clone(),
            wire: field.wire.clone(),
            optional: field.optional,
        });
        if i + 1 == segments.len() {
            return Ok((steps, field.ty.clone()));
        }
        let Type::Struct(next) = &field.ty else {
            return Err(format!(
                "member `{segment}` of `{}` is not a structure",
                current.id
            ));
        };
        current = structure_at(structures, next);
    }
    Err("the path is empty".into())
}

/// The operation's waiters, each path compiled (as JMESPath) and each matcher checked.
fn waiters(shape: &Shape) -> Result<Vec<WaiterDef>> {
    let Some(waitable) = &shape.traits.waitable else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, waiter) in waitable {
        let fail = |reason: String| Error::Unsupported {
            shape: shape.id.to_string(),
            reason: format!("waiter `{name}`: {reason}"),
        };
        if !name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(fail(
                "a waiter name must be an UpperCamelCase identifier".into(),
            ));
        }
        let min_delay = waiter.min_delay.unwrap_or(2);
        let max_delay = waiter.max_delay.unwrap_or(120);
        if min_delay < 1 || max_delay < min_delay {
            return Err(fail(format!(
                "minDelay {min_delay} and maxDelay {max_delay} must satisfy 1 <= minDelay <= maxDelay"
            )));
        }
        if waiter.acceptors.is_empty() {
            return Err(fail("it has no acceptors".into()));
        }
        let mut acceptors = Vec::with_capacity(waiter.acceptors.len());
        for (i, acceptor) in waiter.acceptors.iter().enumerate() {
            let (with_input, path_matcher) = match &acceptor.matcher {
                crate::model::Matcher::Output(m) => (false, m),
                crate::model::Matcher::InputOutput(m) => (true, m),
                crate::model::Matcher::ErrorType(code) if code.is_empty() => {
                    return Err(fail(format!("acceptor {i}: errorType is empty")));
                }
                crate::model::Matcher::ErrorType(code) => {
                    acceptors.push(Acceptor {
                        state: acceptor.state,
                        matcher: AcceptorMatcher::ErrorType(code.clone()),
                    });
                    continue;
                }
                crate::model::Matcher::Success(success) => {
                    acceptors.push(Acceptor {
                        state: acceptor.state,
                        matcher: AcceptorMatcher::Success(*success),
                    });
                    continue;
                }
            };
            if let Err(e) = jmespath::compile(&path_matcher.path) {
                return Err(fail(format!(
                    "acceptor {i}: path {:?} is not valid JMESPath: {e}",
                    path_matcher.path
                )));
            }
            if path_matcher.comparator == crate::model::Comparator::BooleanEquals
                && !["true", "false"].contains(&path_matcher.expected.as_str())
            {
                return Err(fail(format!(
                    "acceptor {i}: booleanEquals expects \"true\" or \"false\", not {:?}",
                    path_matcher.expected
                )));
            }
            acceptors.push(Acceptor {
                state: acceptor.state,
                matcher: AcceptorMatcher::Path {
                    with_input,
                    path: path_matcher.path.clone(),
                    expected: path_matcher.expected.clone(),
                    comparator: path_matcher.comparator,
                },
            });
        }
        out.push(WaiterDef {
            name: name.clone(),
            snake: naming::snake(name),
            type_name: waiter_name(name),
            docs: waiter.documentation.clone().map(Docs::new),
            min_delay,
            max_delay,
            acceptors,
            deprecated: waiter.deprecated,
        });
    }
    Ok(out)
}

/// `\uD800`–`\uDFFF` escapes: UTF-16 halves, meaningless for Unicode scalar values.
fn has_surrogate_escape(source: &str) -> bool {
    source.match_indices("\\u").any(|(i, _)| {
        let hex = source.get(i + 2..i + 6).unwrap_or("");
        u32::from_str_radix(hex, 16).is_ok_and(|v| (0xD800..=0xDFFF).contains(&v))
    })
}

/// The id of the empty structure standing in for an operation's `Unit` input or output. `$` is
/// not allowed in shape names, so it cannot clash with a model shape.
fn synthetic_id(operation: &ShapeId, suffix: &str) -> ShapeId {
    ShapeId::new(format!("{operation}${suffix}"))
}

/// The crate's name, from the service's `sdkId` or else its shape name.
fn service_package(service: &Shape) -> String {
    let sdk_id = service
        .traits
        .aws_service
        .as_ref()
        .map_or(service.id.name(), |s| s.sdk_id.as_str());
    naming::package(sdk_id)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn patterns_with_larger_counted_repetitions_are_compiled_first() {
        assert_eq!(super::repetition_bounds("^[a-z]{0,2048}$"), 2048);
        assert_eq!(
            super::repetition_bounds(r"^\d{12}:[a-z]{1,255}/x{3}$"),
            12 + 1 + 255 + 3
        );
        assert_eq!(super::repetition_bounds("^[a-z]+$"), 0);
        assert_eq!(super::repetition_bounds("a{,}b{"), 0);
        // Bounds beyond any real automaton saturate instead of overflowing.
        let huge = "^a{10000000000000000000}b{10000000000000000000}$";
        assert_eq!(super::repetition_bounds(huge), usize::MAX);
    }

    /// A one-operation service whose operation carries `traits` (JSON object members).
    fn generate(op_traits: &str) -> crate::Result<crate::ir::Crate> {
        let text = format!(
            r#"{{"smithy":"2.0","shapes":{{
            "a#Svc":{{"type":"service","operations":[{{"target":"a#List"}}],"traits":{{"aws.protocols#awsJson1_0":{{}}}}}},
            "a#List":{{"type":"operation","input":{{"target":"a#In"}},"output":{{"target":"a#Out"}},"traits":{{{op_traits}}}}},
            "a#In":{{"type":"structure","members":{{"Token":{{"target":"smithy.api#String"}},"Size":{{"target":"smithy.api#Integer"}}}},"traits":{{"smithy.api#input":{{}}}}}},
            "a#Out":{{"type":"structure","members":{{"Page":{{"target":"a#Page"}},"Count":{{"target":"smithy.api#Integer"}}}},"traits":{{"smithy.api#output":{{}}}}}},
            "a#Page":{{"type":"structure","members":{{"Next":{{"target":"smithy.api#String"}},"Items":{{"target":"a#Items"}}}}}},
            "a#Items":{{"type":"list","member":{{"target":"smithy.api#String"}}}}
        }}}}"#
        );
        let model = crate::model::Model::parse(Path::new("m.json"), &text)?;
        crate::Generator::new().build_ir(&model)
    }

    #[test]
    fn nested_paginator_paths_resolve_to_fields() {
        let krate = generate(
            r#""smithy.api#paginated":{"inputToken":"Token","outputToken":"Page.Next","items":"Page.Items","pageSize":"Size"}"#,
        )
        .unwrap();
        let p = krate.operations[0].paginator.as_ref().unwrap();
        assert_eq!(p.input_token, "token");
        let steps: Vec<(&str, bool)> = p
            .output_token
            .iter()
            .map(|s| (s.ident.as_str(), s.optional))
            .collect();
        assert_eq!(steps, [("page", true), ("next", true)]);
        assert!(p.token_can_be_empty);
        assert_eq!(p.page_size.as_ref().map(|(f, _)| f.as_str()), Some("size"));
    }

    fn rest_json(op_http: &str) -> crate::Result<crate::ir::Crate> {
        let text = format!(
            r#"{{"smithy":"2.0","shapes":{{
            "a#Svc":{{"type":"service","operations":[{{"target":"a#Get"}}],"errors":[{{"target":"a#Missing"}}],"traits":{{"aws.protocols#restJson1":{{}}}}}},
            "a#Get":{{"type":"operation","input":{{"target":"a#GetIn"}},"output":{{"target":"a#GetOut"}}{op_http}}},
            "a#GetIn":{{"type":"structure","members":{{"Name":{{"target":"smithy.api#String","traits":{{"smithy.api#required":{{}},"smithy.api#httpLabel":{{}}}}}}}},"traits":{{"smithy.api#input":{{}}}}}},
            "a#GetOut":{{"type":"structure","members":{{"Size":{{"target":"smithy.api#Integer","traits":{{"smithy.api#httpHeader":"X-Size"}}}},"Body":{{"target":"smithy.api#String"}}}},"traits":{{"smithy.api#output":{{}}}}}},
            "a#Missing":{{"type":"structure","members":{{"Message":{{"target":"smithy.api#String"}}}},"traits":{{"smithy.api#error":"client","smithy.api#httpError":404}}}}
        }}}}"#
        );
        let model = crate::model::Model::parse(Path::new("m.json"), &text)?;
        crate::Generator::new().build_ir(&model)
    }

    #[test]
    fn rest_json_operations_carry_their_http_bindings_and_errors_their_status() {
        let krate =
            rest_json(r#","traits":{"smithy.api#http":{"method":"GET","uri":"/things/{Name}"}}"#)
                .unwrap();
        assert_eq!(krate.service.protocol, crate::ir::Protocol::RestJson1);
        let op = &krate.operations[0];
        let http = op.http.as_ref().expect("bindings");
        assert_eq!((http.method.as_str(), http.code), ("GET", 200));
        assert_eq!(http.input.labels, ["Name"]);
        assert_eq!(http.output.headers, [("X-Size".into(), "Size".into())]);
        assert_eq!(
            http.output.body,
            crate::http::Body::Members(vec!["Body".into()])
        );
        let (status, bindings) = op.errors[0].http.as_ref().expect("error bindings");
        assert_eq!(*status, Some(404));
        assert_eq!(
            bindings.body,
            crate::http::Body::Members(vec!["Message".into()])
        );
    }

    #[test]
    fn a_rest_json_client_generates_with_the_http_bindings_runtime() {
        let model = crate::model::Model::parse(
            Path::new("m.json"),
            r#"{"smithy":"2.0","shapes":{"a#Svc":{"type":"service","traits":{"aws.protocols#restJson1":{}}}}}"#,
        )
        .unwrap();
        let generated = crate::Generator::new().generate(&model).unwrap();
        assert!(generated.files.contains_key("src/runtime/http_bindings.rs"));
        assert!(!generated.files["src/protocol.rs"].contains("x-amz-target"));
    }

    #[test]
    fn a_rest_json_operation_without_http_fails_naming_it() {
        let error = rest_json("").unwrap_err().to_string();
        assert!(
            error.contains("a#Get") && error.contains("needs an @http trait"),
            "{error}"
        );
    }

    #[test]
    fn bad_paginator_members_fail_naming_the_operation() {
        let err = |traits: &str| generate(traits).unwrap_err().to_string();
        assert_eq!(
            err(r#""smithy.api#paginated":{"inputToken":"Token","outputToken":"Page.Nope"}"#),
            "shape `a#List` is not supported: @paginated: outputToken `Page.Nope`: `a#Page` has no member `Nope`"
        );
        assert_eq!(
            err(r#""smithy.api#paginated":{"inputToken":"Tokn","outputToken":"Page.Next"}"#),
            "shape `a#List` is not supported: @paginated: inputToken `Tokn` is not a member of the input"
        );
        assert_eq!(
            err(
                r#""smithy.api#paginated":{"inputToken":"Token","outputToken":"Page.Next","items":"Count"}"#
            ),
            "shape `a#List` is not supported: @paginated: items `Count` is not a list or map"
        );
        assert_eq!(
            err(r#""smithy.api#paginated":{"inputToken":"Token","outputToken":"Count"}"#),
            "shape `a#List` is not supported: @paginated: inputToken `Token` and outputToken `Count` have different types"
        );
    }

    #[test]
    fn a_bad_waiter_path_fails_naming_the_operation_and_the_waiter() {
        let err = generate(
            r#""smithy.waiters#waitable":{"Listed":{"acceptors":[{"state":"success","matcher":{"output":{"path":"Page.[Next","expected":"x","comparator":"stringEquals"}}}]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("shape `a#List` is not supported: waiter `Listed`: acceptor 0: path \"Page.[Next\" is not valid JMESPath"),
            "{err}"
        );
        let err = generate(
            r#""smithy.waiters#waitable":{"Listed":{"acceptors":[{"state":"success","matcher":{"output":{"path":"Count > `1`","expected":"yes","comparator":"booleanEquals"}}}]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "shape `a#List` is not supported: waiter `Listed`: acceptor 0: booleanEquals expects \"true\" or \"false\", not \"yes\""
        );
        let err = generate(
            r#""smithy.waiters#waitable":{"Listed":{"minDelay":10,"maxDelay":5,"acceptors":[{"state":"success","matcher":{"success":true}}]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("minDelay 10 and maxDelay 5"), "{err}");
    }

    #[test]
    fn waiters_get_snake_names_and_the_spec_default_delays() {
        let krate = generate(
            r#""smithy.waiters#waitable":{"PageReady":{"acceptors":[{"state":"success","matcher":{"errorType":"NotFound"}}]}}"#,
        )
        .unwrap();
        let w = &krate.operations[0].waiters[0];
        assert_eq!(
            (
                w.snake.as_str(),
                w.type_name.as_str(),
                w.min_delay,
                w.max_delay
            ),
            ("page_ready", "PageReadyWaiter", 2, 120)
        );
    }
}
