//! Pagination as the AWS CLI does it: every page of a paginated operation fetched and their
//! items merged (`--starting-token`, `--page-size`, `--max-items`, `--no-paginate`), with
//! resume tokens botocore reads and writes.

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde_json::{Map, Value};

use super::tables::{CallError, Operation, Pagination, Service};
use super::{Failure, usage};

/// The pagination options of one command line.
#[derive(Debug, Default)]
pub(super) struct Paging {
    /// `--starting-token`, decoded: the input token and how many items of that page to skip.
    start: Option<(Value, usize)>,
    page_size: Option<u64>,
    max_items: Option<usize>,
}

/// How this command line pages: `None` for a single call (an operation that does not page,
/// `--no-paginate`, or its token member set by hand, as the AWS CLI does). The page-size member
/// set by hand is the page size, as `--page-size` is.
pub(super) fn paging(op: &Operation, sub: &ArgMatches) -> Result<Option<Paging>, Failure> {
    let Some(pagination) = &op.pagination else {
        return Ok(None);
    };
    let given = |id: &str| sub.value_source(id) == Some(ValueSource::CommandLine);
    // (`--page-size` exists only where the operation has a page-size member: asking clap for
    // an argument it does not know panics in debug builds.)
    let flags = ["starting-token", "max-items"]
        .into_iter()
        .chain(pagination.page_size.map(|_| "page-size"));
    let paging_given: Vec<String> = flags
        .filter(|flag| given(flag))
        .map(|flag| format!("--{flag}"))
        .collect();
    // The token member set by hand: one call from that token, as the AWS CLI does.
    let manual =
        given(pagination.input_token).then(|| format!("--{}", flag_of(op, pagination.input_token)));
    if let Some(member) = pagination.page_size.filter(|member| given(member))
        && given("page-size")
    {
        return Err(usage(format!(
            "cannot specify --{} along with --page-size",
            flag_of(op, member)
        )));
    }
    if sub.get_flag("no-paginate") || manual.is_some() {
        if !paging_given.is_empty() {
            let why = manual.unwrap_or_else(|| "--no-paginate".to_string());
            return Err(usage(format!(
                "cannot specify {why} along with pagination arguments: {}",
                paging_given.join(", ")
            )));
        }
        return Ok(None);
    }
    let positive = |id: &str| -> Result<Option<u64>, Failure> {
        match sub.get_one::<String>(id) {
            None => Ok(None),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(usage(format!(
                    "--{id}: expected a positive integer, got {text:?}"
                ))),
            },
        }
    };
    let start = match sub.get_one::<String>("starting-token") {
        Some(text) => Some(
            decode_token(pagination, text).map_err(|e| usage(format!("--starting-token: {e}")))?,
        ),
        None => None,
    };
    Ok(Some(Paging {
        start,
        page_size: match pagination.page_size {
            Some(_) => positive("page-size")?,
            None => None,
        },
        max_items: positive("max-items")?.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    }))
}

/// The flag of an input member.
fn flag_of<'a>(op: &'a Operation, member: &'a str) -> &'a str {
    op.input
        .iter()
        .position(|m| m.name == member)
        .map_or(member, |i| op.flags[i])
}

/// The key under which a skipped count travels in a resume token (botocore's name, so tokens
/// printed by the AWS CLI resume here and the other way round).
const TRUNCATE_KEY: &str = "boto_truncate_amount";

/// A resume token: base64 of `{"<InputToken>": token, "boto_truncate_amount": skip}`.
fn encode_token(pagination: &Pagination, token: &Value, skip: usize) -> String {
    use base64::Engine as _;
    let mut object = Map::new();
    if !token.is_null() {
        object.insert(pagination.input_token.to_string(), token.clone());
    }
    if skip > 0 {
        object.insert(TRUNCATE_KEY.to_string(), Value::from(skip));
    }
    base64::engine::general_purpose::STANDARD.encode(Value::Object(object).to_string())
}

/// A `--starting-token`: a resume token this CLI (or the AWS CLI) printed, or else the
/// service's own token as it is.
fn decode_token(pagination: &Pagination, text: &str) -> Result<(Value, usize), String> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    let Some(Value::Object(mut object)) = decoded else {
        return Ok((Value::String(text.to_string()), 0));
    };
    let skip = match object.remove(TRUNCATE_KEY) {
        None => 0,
        Some(n) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("{TRUNCATE_KEY} must be a non-negative integer"))?,
    };
    let token = object.remove(pagination.input_token).unwrap_or(Value::Null);
    Ok((token, skip))
}

/// The value at `path` (member names), if every step is there.
fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, step| value.get(*step))
}

/// Sets (or, with `None`, removes) the value at `path`, creating the objects on the way.
fn place(value: &mut Value, path: &[&str], new: Option<Value>) {
    let Some((last, steps)) = path.split_last() else {
        return;
    };
    let mut current = value;
    for step in steps {
        let Value::Object(object) = current else {
            return;
        };
        if new.is_none() && !object.contains_key(*step) {
            return;
        }
        current = object
            .entry(step.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(object) = current {
        match new {
            Some(new) => {
                object.insert(last.to_string(), new);
            }
            None => {
                object.remove(*last);
            }
        }
    }
}

/// A next token that ends pagination: absent, null, or empty.
fn no_token(token: &Value) -> bool {
    match token {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A page's items: a list or a map.
enum Items {
    List(Vec<Value>),
    Map(Map<String, Value>),
}

impl Items {
    fn of(value: Option<&Value>) -> Items {
        match value {
            Some(Value::Object(map)) => Items::Map(map.clone()),
            Some(Value::Array(items)) => Items::List(items.clone()),
            _ => Items::List(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::List(items) => items.len(),
            Items::Map(map) => map.len(),
        }
    }

    /// Keeps `count` items after the first `skip`.
    fn window(self, skip: usize, count: usize) -> Items {
        match self {
            Items::List(items) => Items::List(items.into_iter().skip(skip).take(count).collect()),
            Items::Map(map) => Items::Map(map.into_iter().skip(skip).take(count).collect()),
        }
    }

    fn append(&mut self, other: Items) {
        match (self, other) {
            (Items::List(items), Items::List(more)) => items.extend(more),
            (Items::Map(map), Items::Map(more)) => map.extend(more),
            // A page whose items have the other shape is empty (`of` maps anything else to
            // an empty list); an empty list merges into a map as nothing.
            (Items::Map(_), Items::List(_)) => {}
            (this @ Items::List(_), Items::Map(more)) => {
                if this.len() == 0 {
                    *this = Items::Map(more);
                }
            }
        }
    }

    fn into_value(self) -> Value {
        match self {
            Items::List(items) => Value::Array(items),
            Items::Map(map) => Value::Object(map),
        }
    }
}

/// Every page of a paginated operation, merged as the AWS CLI merges them: the items of all
/// pages at the items path, the other members as the first page has them, the service's token
/// left out, and a `NextToken` to resume from when `--max-items` stopped early.
pub(super) async fn paginate(
    service: &dyn Service,
    index: usize,
    pagination: &Pagination,
    mut input: Map<String, Value>,
    paging: Paging,
) -> Result<Value, CallError> {
    let (mut sent, mut skip) = match paging.start {
        Some((token, skip)) => {
            match &token {
                Value::Null => input.remove(pagination.input_token),
                token => input.insert(pagination.input_token.to_string(), token.clone()),
            };
            (token, skip)
        }
        None => (
            input
                .get(pagination.input_token)
                .cloned()
                .unwrap_or(Value::Null),
            0,
        ),
    };
    if let (Some(size), Some(member)) = (paging.page_size, pagination.page_size) {
        input.insert(member.to_string(), Value::from(size));
    }
    let mut first: Option<Value> = None;
    let mut merged = Items::List(Vec::new());
    let mut count = 0usize;
    let mut resume: Option<(Value, usize)> = None;
    loop {
        let page = service.call(index, Value::Object(input.clone())).await?;
        let items = Items::of(lookup(&page, pagination.items));
        let available = items.len().saturating_sub(skip);
        let room = paging.max_items.map_or(usize::MAX, |max| max - count);
        let taken = available.min(room);
        merged.append(items.window(skip, taken));
        count += taken;
        let next = lookup(&page, pagination.output_token)
            .filter(|token| !no_token(token))
            .cloned();
        first.get_or_insert(page);
        if taken < available {
            // Stopped inside this page: resume from the same page, past what was printed.
            resume = Some((sent, skip + taken));
            break;
        }
        // A service that repeats its token would otherwise be called forever.
        let Some(next) = next.filter(|next| *next != sent) else {
            break;
        };
        if paging.max_items == Some(count) {
            resume = Some((next, 0));
            break;
        }
        input.insert(pagination.input_token.to_string(), next.clone());
        sent = next;
        skip = 0;
    }
    let mut result = first.unwrap_or_else(|| Value::Object(Map::new()));
    place(&mut result, pagination.output_token, None);
    if count > 0 || lookup(&result, pagination.items).is_some() {
        place(&mut result, pagination.items, Some(merged.into_value()));
    }
    if let (Some((token, skip)), Value::Object(object)) = (resume, &mut result) {
        object.insert(
            "NextToken".to_string(),
            Value::String(encode_token(pagination, &token, skip)),
        );
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::super::EXIT_USAGE;
    use super::super::tests::{PAGED, paged, paged_run};
    use super::*;
    use serde_json::json;

    #[test]
    fn every_page_is_fetched_and_the_items_merged_with_the_first_pages_other_members() {
        assert_eq!(
            paged(&["list-things", "--page-size", "3"]),
            json!({"Things": ["a", "b", "c", "d", "e", "f", "g"], "PageSize": 3})
        );
    }

    #[test]
    fn max_items_stops_mid_page_with_a_token_that_resumes_after_the_last_item_printed() {
        let first = paged(&["list-things", "--max-items", "4"]);
        assert_eq!(first["Things"], json!(["a", "b", "c", "d"]));
        let token = first["NextToken"].as_str().expect("a resume token");
        let rest = paged(&["list-things", "--starting-token", token]);
        assert_eq!(rest, json!({"Things": ["e", "f", "g"], "PageSize": 0}));
        // Stopping at a page's end resumes at the next page.
        let first = paged(&["list-things", "--max-items", "3"]);
        let token = first["NextToken"].as_str().expect("a resume token");
        let rest = paged(&["list-things", "--starting-token", token, "--max-items", "3"]);
        assert_eq!(rest["Things"], json!(["d", "e", "f"]));
        // Exactly everything: nothing to resume.
        assert_eq!(
            paged(&["list-things", "--max-items", "7"]).get("NextToken"),
            None
        );
    }

    #[test]
    fn resume_tokens_are_botocores_and_a_service_token_is_taken_as_it_is() {
        use base64::Engine as _;
        let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
        let token = encode_token(pagination, &json!("t2"), 1);
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&token)
            .expect("base64");
        assert_eq!(
            serde_json::from_slice::<Value>(&decoded).expect("json"),
            json!({"NextToken": "t2", "boto_truncate_amount": 1})
        );
        assert_eq!(decode_token(pagination, &token), Ok((json!("t2"), 1)));
        assert_eq!(decode_token(pagination, "t3"), Ok((json!("t3"), 0)));
        let rest = paged(&["list-things", "--starting-token", "t3"]);
        assert_eq!(rest["Things"], json!(["g"]));
        let bad = base64::engine::general_purpose::STANDARD
            .encode(r#"{"NextToken":"t2","boto_truncate_amount":-1}"#);
        let (code, _, err) = paged_run(&["list-things", "--starting-token", &bad]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("boto_truncate_amount"), "{err}");
    }

    #[test]
    fn no_paginate_or_a_hand_set_token_makes_one_call_and_a_hand_set_page_size_pages() {
        assert_eq!(
            paged(&["list-things", "--no-paginate"]),
            json!({"Things": ["a", "b", "c"], "NextToken": "t2", "PageSize": 0})
        );
        assert_eq!(
            paged(&["list-things", "--next-token", "t2", "--max-results", "5"]),
            json!({"Things": ["d", "e", "f"], "NextToken": "t3", "PageSize": 5})
        );
        let (code, _, err) = paged_run(&["list-things", "--no-paginate", "--max-items", "2"]);
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(
            err,
            "cannot specify --no-paginate along with pagination arguments: --max-items\n"
        );
        let (code, _, err) = paged_run(&["list-things", "--next-token", "t2", "--page-size", "1"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(
            err.contains("--next-token along with pagination arguments: --page-size"),
            "{err}"
        );
        // The page-size member by hand is the page size (as DynamoDB's `scan --limit 5`).
        assert_eq!(
            paged(&["list-things", "--max-results", "2"]),
            json!({"Things": ["a", "b", "c", "d", "e", "f", "g"], "PageSize": 2})
        );
        let (code, _, err) = paged_run(&["list-things", "--max-results", "2", "--page-size", "3"]);
        assert_eq!(code, EXIT_USAGE);
        assert_eq!(err, "cannot specify --max-results along with --page-size\n");
        for bad in ["0", "-1", "x"] {
            let (code, _, err) = paged_run(&["list-things", "--max-items", bad]);
            assert_eq!(code, EXIT_USAGE, "{bad}");
            assert!(err.contains("expected a positive integer"), "{err}");
        }
    }

    #[test]
    fn an_operation_without_a_page_size_member_pages_without_page_size() {
        assert_eq!(
            paged(&["list-all", "--max-items", "5"])["Things"],
            json!(["a", "b", "c", "d", "e"])
        );
        let (code, _, err) = paged_run(&["list-all", "--page-size", "2"]);
        assert_eq!(code, EXIT_USAGE);
        assert!(err.contains("unexpected argument '--page-size'"), "{err}");
        assert_eq!(
            paged(&["list-all", "--no-paginate"])["NextToken"],
            json!("t2")
        );
    }

    #[test]
    fn a_service_repeating_its_token_ends_the_listing() {
        assert_eq!(
            paged(&["list-things", "--starting-token", "loop"])["Things"],
            json!(["x"])
        );
    }

    mod properties {
        use super::super::super::super::transport::BoxFuture;
        use super::super::*;
        use super::PAGED;
        use proptest::prelude::*;
        use serde_json::json;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// A resume token carries any service token and skip count back unchanged, and
            /// any `--starting-token` text decodes to a token or an error, never a panic.
            #[test]
            fn resume_tokens_round_trip_and_any_text_decodes(
                token in token(), skip in any::<usize>(), text in any::<String>(),
            ) {
                let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
                let encoded = encode_token(pagination, &token, skip);
                prop_assert_eq!(decode_token(pagination, &encoded), Ok((token, skip)));
                let _ = decode_token(pagination, &text);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// Whatever the pages hold (items of any shape, tokens of any kind, repeated or
            /// not), a listing ends after at most one call per page plus one, and never keeps
            /// more than `--max-items` items.
            #[test]
            fn listings_of_hostile_pages_end_and_respect_max_items(
                pages in prop::collection::vec(page(), 1..6),
                max_items in prop::option::of(1usize..8),
            ) {
                let pagination = PAGED.operations[0].pagination.as_ref().expect("paged");
                let script = Script { pages: pages.clone(), calls: Default::default() };
                let paging = Paging { start: None, page_size: None, max_items };
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("runtime");
                let result = runtime
                    .block_on(paginate(&script, 0, pagination, Map::new(), paging))
                    .expect("the script never fails");
                let calls = script.calls.load(std::sync::atomic::Ordering::Relaxed);
                prop_assert!(calls <= pages.len() + 1, "{calls} calls for {} pages", pages.len());
                let kept = match result.get("Things") {
                    Some(Value::Array(items)) => items.len(),
                    Some(Value::Object(map)) => map.len(),
                    _ => 0,
                };
                if let Some(max) = max_items {
                    prop_assert!(kept <= max);
                }
            }
        }

        fn token() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<String>().prop_map(Value::String),
                any::<i64>().prop_map(Value::from),
                prop::collection::btree_map(any::<String>(), any::<String>(), 0..3).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
                }),
            ]
        }

        /// A page: a list or a map of items (or something else), and a token or none.
        fn page() -> impl Strategy<Value = Value> {
            let items = prop_oneof![
                prop::collection::vec(any::<String>().prop_map(Value::String), 0..4)
                    .prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), any::<i64>(), 0..4).prop_map(|m| {
                    Value::Object(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
                }),
                Just(Value::Null),
                any::<String>().prop_map(Value::String),
            ];
            let next = prop_oneof![token(), Just(json!("t")), Just(json!(""))];
            prop_oneof![
                (items, next).prop_map(|(items, next)| json!({"Things": items, "NextToken": next})),
                Just(json!("not an object")),
                Just(json!({})),
            ]
        }

        /// Answers with the pages in order, the last one for ever.
        struct Script {
            pages: Vec<Value>,
            calls: std::sync::atomic::AtomicUsize,
        }

        impl Service for Script {
            fn call(
                &self,
                _index: usize,
                _input: Value,
            ) -> BoxFuture<'_, Result<Value, CallError>> {
                let n = self
                    .calls
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let page = self.pages[n.min(self.pages.len() - 1)].clone();
                Box::pin(async move { Ok(page) })
            }
        }
    }
}
